"""The one CSV writer: every export writes through it, so no cell runs as a formula.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return before them)
as a formula; survey free text and plan titles come from people we do not control, so such a
cell gets a leading apostrophe (OWASP "CSV injection"). Numbers are written as they are: a
negative number is data, not a formula.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _GuardedWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, file_like, **kwargs):
        self._writer = csv.writer(file_like, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file_like, **kwargs) -> _GuardedWriter:
    """A writer like csv.writer(file_like) whose every cell is guarded by csv_cell."""
    return _GuardedWriter(file_like, **kwargs)
