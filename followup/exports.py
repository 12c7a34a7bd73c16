"""The follow-up results as CSV, for the programme lead."""

import csv

from followup import selectors
from followup.factors import FACTORS
from followup.models import Survey


def results_csv(*, survey: Survey, file) -> None:
    """Write every response of the survey to `file` as CSV, one row per person (one query)."""
    writer = csv.writer(file)
    writer.writerow(
        ["practice", "ods_code", "profession", "submitted_at"]
        + [factor.key for factor in FACTORS]
        + ["changes", "free_text"]
    )
    for answer in selectors.responses_for_export(survey=survey):
        recipient = answer.recipient
        changes = "; ".join(
            f"{change['title']}: {change['status']}"
            + (f" ({change['why']})" if change.get("why") else "")
            for change in answer.changes
        )
        writer.writerow(
            [
                recipient.practice.name,
                recipient.practice.ods_code,
                recipient.get_profession_display(),
                answer.submitted_at.isoformat(),
            ]
            + [answer.factor_scores.get(factor.key, "") for factor in FACTORS]
            + [changes, answer.free_text]
        )
