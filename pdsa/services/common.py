"""What every pdsa write shares: import errors and results.

The stale-edit refusal is the project's one optimistic lock, qiproject.locking.
"""

from dataclasses import dataclass

from qiproject.locking import StaleEditError, claim_version

__all__ = ["BatchError", "CsvImportError", "ImportResult", "StaleEditError", "claim_version"]


@dataclass
class ImportResult:
    created: int
    replaced: int


class CsvImportError(Exception):
    """A CSV file with errors: nothing was imported. `errors` is [(row number, message)]."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported.")
        self.errors = errors


class BatchError(Exception):
    """A batch of data with errors: nothing was saved. `errors` is [(item index, {field:
    [messages]})], fields as the model names them ("__all__" for the item as a whole)."""

    def __init__(self, errors: list[tuple[int, dict[str, list[str]]]]):
        super().__init__(f"{len(errors)} item(s) with errors; nothing was saved.")
        self.errors = errors
