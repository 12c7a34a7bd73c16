"""The follow-up results as CSV, for the programme lead, through the one formula-safe writer."""

from followup import selectors
from followup.models import Survey
from qiproject.csv_export import csv_writer


def results_csv(*, survey: Survey, file) -> None:
    """Write the answers to `file`, with no free text, no time and no small group named."""
    header, rows = selectors.export_rows(survey=survey)
    writer = csv_writer(file)
    writer.writerow(header)
    writer.writerows(rows)


def comments_csv(*, survey: Survey, file) -> None:
    """Write what people wrote in their own words, alone and sorted."""
    writer = csv_writer(file)
    writer.writerow(["comment"])
    writer.writerows([text] for text in selectors.export_comments(survey=survey))
