"""The programme's data for an evaluator: a zip of one CSV per kind of row.

One zip rather than one download per kind, so the five files always come from the same
moment and keep their ids, which join them (practice_id, plan_id, measure_id).
"""

import io
import tempfile
import zipfile

from django.db.models import OuterRef, Subquery

from pdsa.models import DataPoint, ImprovementPlan, Measure, PDSACycle
from practices.models import FacilitatorAssignment, Practice, Programme
from qiproject.csv_export import csv_writer

CHUNK = 5000


def _write(archive: zipfile.ZipFile, name: str, header: list[str], rows) -> int:
    count = 0
    with archive.open(name, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv_writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
        text.flush()
        text.detach()
    return count


def programme_export(programme: Programme):
    """A temporary file holding the zip (rewound), built in five streamed queries."""
    practices = Practice.objects.filter(programme=programme)
    facilitator = FacilitatorAssignment.objects.filter(
        practice=OuterRef("pk"), ended_on__isnull=True
    ).values("facilitator__full_name")[:1]
    plans = ImprovementPlan.objects.filter(practice__programme=programme)
    cycles = PDSACycle.objects.filter(plan__practice__programme=programme)
    measures = Measure.objects.filter(plan__practice__programme=programme)
    points = DataPoint.objects.filter(measure__plan__practice__programme=programme)
    # Not a context manager: the response streams the file and closes it when sent.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(
            archive,
            "practices.csv",
            ["practice_id", "ods_code", "name", "list_size", "facilitator"],
            practices.annotate(facilitator=Subquery(facilitator))
            .order_by("pk")
            .values_list("pk", "ods_code", "name", "list_size", "facilitator")
            .iterator(chunk_size=CHUNK),
        )
        plan_fields = [
            "pk",
            "practice_id",
            "title",
            "status",
            "start_date",
            "end_date",
            "progress_score",
            "aim_what",
            "aim_how_much",
            "aim_by_when",
        ]
        _write(
            archive,
            "plans.csv",
            ["plan_id", *plan_fields[1:6], "progress_score_set", *plan_fields[7:]],
            plans.order_by("pk").values_list(*plan_fields).iterator(chunk_size=CHUNK),
        )
        cycle_fields = [
            "pk",
            "plan_id",
            "previous_id",
            "number",
            "title",
            "change_idea__title",
            "stage",
            "abandoned_at_stage",
            "decision",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
        _write(
            archive,
            "cycles.csv",
            ["cycle_id", "plan_id", "previous_cycle_id", *cycle_fields[3:5], "change_idea"]
            + cycle_fields[6:],
            cycles.order_by("pk").values_list(*cycle_fields).iterator(chunk_size=CHUNK),
        )
        measure_fields = [
            "pk",
            "plan_id",
            "name",
            "kind",
            "data_type",
            "frequency",
            "improvement",
            "target",
            "baseline_end",
            "rebased_from",
            "latest_variation",
            "latest_assurance",
        ]
        _write(
            archive,
            "measures.csv",
            ["measure_id", *measure_fields[1:]],
            measures.order_by("pk").values_list(*measure_fields).iterator(chunk_size=CHUNK),
        )
        _write(
            archive,
            "data.csv",
            ["measure_id", "period", "numerator", "denominator", "value"],
            points.order_by("measure_id", "period")
            .values_list("measure_id", "period", "numerator", "denominator", "value")
            .iterator(chunk_size=CHUNK),
        )
    spool.seek(0)
    return spool
