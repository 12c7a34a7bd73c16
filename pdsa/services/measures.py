"""Writes for measures, the measure library and data points, with CSV import and export."""

import csv
import io
import itertools
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from pdsa.charts import summarise
from pdsa.models import (
    DataPoint,
    DataType,
    Frequency,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
)
from pdsa.selectors import measure_analysis
from pdsa.services.common import BatchError, CsvImportError, ImportResult
from practices.freshness import practices_changed
from qiproject.csv_export import csv_writer
from qiproject.dates import format_date, format_month
from qiproject.forms import parse_period
from qiproject.locking import claim_version
from qiproject.saving import saved


@transaction.atomic
def measure_create(*, plan: ImprovementPlan, **fields) -> Measure:
    """Add a measure to a plan."""
    return saved(Measure(plan=plan, **fields))


MEASURE_FIELDS = [
    "name",
    "kind",
    "definition",
    "data_type",
    "numerator",
    "denominator",
    "frequency",
    "improvement",
]


@transaction.atomic
def measure_update(*, measure: Measure, version: int, **fields) -> Measure:
    """Change a measure's definition, target or baseline; a stale form is refused."""
    changes_type = "data_type" in fields and fields["data_type"] != measure.data_type
    if changes_type and measure.data_points.exists():
        raise ValidationError(
            {"data_type": "The data type cannot change once data has been entered."}
        )
    claim_version(measure, version)
    for name, value in fields.items():
        setattr(measure, name, value)
    saved(measure)
    return measure_summary_refresh(measure=measure)


@transaction.atomic
def measure_adopt(*, plan: ImprovementPlan, library_measure: LibraryMeasure) -> Measure:
    """Copy a library measure into a plan (one click), keeping the link to the library."""
    if plan.measures.filter(name=library_measure.name).exists():
        raise ValidationError(f"This plan already has a measure called “{library_measure.name}”.")
    measure = Measure(
        plan=plan,
        library_measure=library_measure,
        target=library_measure.suggested_target,
        **{name: getattr(library_measure, name) for name in MEASURE_FIELDS},
    )
    return saved(measure)


@transaction.atomic
def measure_rebase(
    *, measure: Measure, version: int, period: date | None, reason: str = ""
) -> Measure:
    """Mark (or clear, with period None) the period the limits are recalculated from.

    A stale form is refused, as for the measure's edit form: both change the measure.
    """
    if period is not None:
        period = measure.normalise_period(period)
        if not measure.data_points.filter(period=period).exists():
            raise ValidationError({"rebased_from": "Choose a period that has data."})
    claim_version(measure, version)
    measure.rebased_from = period
    measure.rebase_reason = reason if period else ""
    saved(measure)
    return measure_summary_refresh(measure=measure)


SUMMARY_FIELDS = {
    "variation": "latest_variation",
    "assurance": "latest_assurance",
    "latest_period": "latest_period",
    "latest_value": "latest_value",
    "point_count": "point_count",
    "shows_improvement": "shows_improvement",
    "improvement_sustained": "improvement_sustained",
}


def measure_summary_refresh(*, measure: Measure) -> Measure:
    """Recompute the summary kept on the measure (icons, latest value) from its data."""
    loaded = (
        Measure.objects.select_related("plan")
        .prefetch_related(Prefetch("data_points", queryset=DataPoint.objects.order_by("period")))
        .get(pk=measure.pk)
    )
    summary = summarise(measure_analysis(loaded))
    fields = {column: getattr(summary, name) for name, column in SUMMARY_FIELDS.items()}
    Measure.objects.filter(pk=measure.pk).update(**fields)
    # update() sends no signals: the icons and scores on the dashboards come from this summary.
    practices_changed([loaded.plan.practice_id])
    for column, value in fields.items():
        setattr(measure, column, value)
    return measure


@transaction.atomic
def library_measure_create(**fields) -> LibraryMeasure:
    """Add a measure to the curated library."""
    return saved(LibraryMeasure(**fields))


@transaction.atomic
def library_measure_update(
    *, library_measure: LibraryMeasure, version: int, **fields
) -> LibraryMeasure:
    """Change a library measure (plans that adopted it keep their own copy); stale forms refused."""
    claim_version(library_measure, version)
    for name, value in fields.items():
        setattr(library_measure, name, value)
    return saved(library_measure)


def _data_point(measure, *, period, numerator=None, denominator=None, value=None, note=""):
    point = DataPoint(
        measure=measure,
        period=measure.normalise_period(period),
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
    )
    point.full_clean(exclude=["measure"], validate_unique=False)
    return point


@transaction.atomic
def data_point_record(
    *,
    measure: Measure,
    period: date,
    numerator: int | None = None,
    denominator: int | None = None,
    value: float | None = None,
    note: str = "",
    user=None,
) -> DataPoint:
    """Enter the value for one period (by `user`, kept in the data's history); a period
    already holding a value is refused."""
    point = _data_point(
        measure,
        period=period,
        numerator=numerator,
        denominator=denominator,
        value=value,
        note=note,
    )
    if measure.data_points.filter(period=point.period).exists():
        raise ValidationError(
            {
                "period": f"{format_month(point.period)} already has a value: "
                "change that one instead."
            }
        )
    saved(point, user=user)
    measure_summary_refresh(measure=measure)
    return point


@transaction.atomic
def data_point_update(
    *,
    point: DataPoint,
    version: int,
    numerator=None,
    denominator=None,
    value=None,
    note: str = "",
    user=None,
) -> DataPoint:
    """Correct the value of a period (by `user`, kept in the data's history); a stale form is
    refused."""
    claim_version(point, version)
    _point_change(
        point, numerator=numerator, denominator=denominator, value=value, note=note, user=user
    )
    measure_summary_refresh(measure=point.measure)
    return point


def _point_change(
    point, *, numerator, denominator, value, note, user=None, reason: str = ""
) -> DataPoint:
    point.numerator, point.denominator, point.value, point.note = (
        numerator,
        denominator,
        value,
        note,
    )
    return saved(point, user=user, reason=reason)


NUMBERS = ("numerator", "denominator", "value")


def _same_values(point: DataPoint, row: dict) -> bool:
    return all(getattr(point, name) == row.get(name) for name in NUMBERS) and point.note == (
        row.get("note") or ""
    )


def _shown(point: DataPoint) -> str:
    if point.denominator:
        return f"{point.numerator} of {point.denominator}"
    return f"{point.value:g}"


def _grid_row_error(measure, existing, row: dict) -> str | None:
    """Why one row of a grid cannot be saved, or None."""
    period = measure.normalise_period(row["period"])
    current = existing.get(period)
    if row.get("version") is None and current is not None:
        return (
            f"{format_month(period)} was given a value ({_shown(current)}) after you opened "
            "this page: change that one instead."
        )
    if row.get("version") is not None and current is None:
        return f"The value for {format_month(period)} was removed after you opened this page."
    try:
        _data_point(measure, **{name: row.get(name) for name in (*NUMBERS, "note", "period")})
    except ValidationError as error:
        return " ".join(error.messages)
    return None


@transaction.atomic
def data_points_save(*, measure: Measure, rows: list[dict], user=None) -> ImportResult:
    """Save several periods at once, all or nothing: new values, and changes to saved ones,
    each in the data's history as written by `user`.

    Each row has `period`, the numbers, `note`, and the `version` of the saved value it changes
    (None for a new value). A row equal to the saved value is left alone. Rows that cannot be
    saved raise one ValidationError keyed by each period's ISO date; a changed value that someone
    else saved first raises StaleEditError, and nothing is saved either way.
    """
    existing = {point.period: point for point in measure.data_points.all()}
    errors, seen = {}, set()
    for row in rows:
        period = measure.normalise_period(row["period"])
        if period in seen:
            errors[period.isoformat()] = [f"{format_month(period)} is given twice."]
        elif message := _grid_row_error(measure, existing, row):
            errors[period.isoformat()] = [message]
        seen.add(period)
    if errors:
        raise ValidationError(errors)
    created = changed = 0
    for row in rows:
        values = {name: row.get(name) for name in NUMBERS}
        note = row.get("note") or ""
        point = existing.get(measure.normalise_period(row["period"]))
        if point is None:
            saved(_data_point(measure, period=row["period"], note=note, **values), user=user)
            created += 1
        elif not _same_values(point, {**values, "note": note}):
            claim_version(point, row["version"])
            _point_change(point, note=note, user=user, **values)
            changed += 1
    if created or changed:
        measure_summary_refresh(measure=measure)
    return ImportResult(created=created, replaced=changed)


@transaction.atomic
def data_point_delete(*, point: DataPoint, user=None) -> None:
    """Remove a period's value (the removal is kept in the data's history, with `user`)."""
    measure = point.measure
    if user is not None:
        point._history_user = user
    point.delete()
    measure_summary_refresh(measure=measure)


def _parse_period(text: str, frequency: str = Frequency.MONTHLY) -> date:
    try:
        # What the period pickers send and the export writes: 2026-03, 2026-W10, 2026-03-01.
        return parse_period(text, frequency)
    except (ValueError, OverflowError):
        pass
    for pattern in ("%Y-%m", "%d/%m/%Y", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    example = "2026-W10" if frequency == Frequency.WEEKLY else "2026-03"
    raise ValueError(f"“{text[:40]}” is not a period: use {example} or 2026-03-01.")


def _parse_number(text: str, *, whole: bool):
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{text[:40]}” is not a number.") from None
    # float() reads "inf", "nan" and "1e400" (infinite): none is a count or a measurement.
    if not math.isfinite(number):
        raise ValueError(f"“{text[:40]}” is not a number that can be charted.")
    if whole:
        if number != int(number):
            raise ValueError(f"“{text}” is not a whole number.")
        return int(number)
    return number


# A web request must finish well inside the worker's timeout: a measure has one value per
# week or month, so 2,000 rows is decades of data, and a bigger file is a mistake.
IMPORT_MAX_ROWS = 2000


def _import_rows(measure: Measure, text: str):
    """Parse and validate every row; return (points, errors)."""
    if "\x00" in text:
        return [], [(1, "The file contains a NUL character: save it as CSV text and try again.")]
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        # Counted before any row is checked, so a huge file is refused at once.
        rows = list(itertools.islice(reader, IMPORT_MAX_ROWS + 1))
        if len(rows) > IMPORT_MAX_ROWS:
            message = (
                f"The file has more than {IMPORT_MAX_ROWS:,} rows: import at most "
                f"{IMPORT_MAX_ROWS:,} at a time."
            )
            return [], [(IMPORT_MAX_ROWS + 2, message)]
        return _parse_rows(measure, reader.fieldnames, rows)
    except csv.Error as error:
        # The reader's only complaints left are a field over its limit (131,072 characters)
        # or a broken quote: either way the file is not the CSV the import reads.
        return [], [(1, f"The file could not be read as CSV ({error}).")]


def _parse_rows(measure: Measure, fieldnames, rows: list[dict]):
    headers = {(h or "").strip().lower() for h in (fieldnames or [])}
    needed = {"period", "numerator", "denominator"} if measure.is_proportion else {"period"}
    if not needed <= headers or (not measure.is_proportion and "value" not in headers):
        wanted = "period, numerator, denominator" if measure.is_proportion else "period, value"
        return [], [(1, f"The first row must name the columns: {wanted}.")]
    points, errors, seen = [], [], {}
    for row_number, raw in enumerate(rows, start=2):
        row = {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in raw.items()
            if k and isinstance(v, str)
        }
        if not any(row.values()):
            continue
        try:
            period = measure.normalise_period(
                _parse_period(row.get("period", ""), measure.frequency)
            )
            numbers = {
                "numerator": _parse_number(row.get("numerator", ""), whole=True),
                "denominator": _parse_number(row.get("denominator", ""), whole=True),
                "value": _parse_number(
                    row.get("value", ""), whole=measure.data_type == DataType.COUNT
                ),
            }
            point = _data_point(measure, period=period, note=row.get("note", ""), **numbers)
        except ValueError as error:
            errors.append((row_number, str(error)))
            continue
        except ValidationError as error:
            errors.append((row_number, " ".join(error.messages)))
            continue
        if period in seen:
            errors.append(
                (
                    row_number,
                    f"{format_month(period)} is also on row {seen[period]}: one value per period.",
                )
            )
            continue
        seen[period] = row_number
        points.append((row_number, point))
    if not points and not errors:
        errors.append((1, "The file has no data rows."))
    return points, errors


@transaction.atomic
def data_import_csv(
    *, measure: Measure, text: str, replace_existing: bool = False, user=None
) -> ImportResult:
    """Import a CSV of periods: every row valid or nothing changes (errors carry row numbers);
    each write is in the data's history as made by `user`."""
    points, errors = _import_rows(measure, text)
    existing = {p.period: p for p in measure.data_points.all()}
    if not replace_existing:
        errors += [
            (
                row,
                f"{format_month(point.period)} already has a value (tick “replace” to overwrite).",
            )
            for row, point in points
            if point.period in existing
        ]
    if errors:
        raise CsvImportError(sorted(errors))
    created = replaced = 0
    for _, point in points:
        old = existing.get(point.period)
        if old is not None:
            _point_change(
                old,
                numerator=point.numerator,
                denominator=point.denominator,
                value=point.value,
                note=point.note,
                user=user,
            )
            replaced += 1
        else:
            saved(point, user=user)
            created += 1
    measure_summary_refresh(measure=measure)
    return ImportResult(created=created, replaced=replaced)


@dataclass
class UpsertResult:
    """What a batch upsert did, period by period."""

    created: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)


def _period_name(measure: Measure, period: date) -> str:
    if measure.frequency == Frequency.WEEKLY:
        return f"The week of {format_date(period)}"
    return format_month(period)


def _numbers(point: DataPoint, *, note: str) -> dict:
    return {**{name: getattr(point, name) for name in NUMBERS}, "note": note}


def _batch_points(measure: Measure, items: list[dict | None]):
    """Validate each item as a data point; return ([(index, point, has note)], errors)."""
    points, errors, seen = [], [], {}
    for index, item in enumerate(items):
        if item is None:  # refused by the caller's own parsing
            continue
        has_note = item.get("note") is not None
        try:
            point = _data_point(
                measure,
                period=item["period"],
                numerator=item.get("numerator"),
                denominator=item.get("denominator"),
                value=item.get("value"),
                note=item.get("note") or "",
            )
        except ValidationError as error:
            errors.append((index, error.message_dict))
            continue
        if point.period in seen:
            message = f"{_period_name(measure, point.period)} is also item {seen[point.period]}."
            errors.append((index, {"period": [message + " One value per period."]}))
            continue
        seen[point.period] = index
        points.append((index, point, has_note))
    return points, errors


@transaction.atomic
def data_points_upsert(
    *,
    measure: Measure,
    items: list[dict | None],
    replace: bool = False,
    user=None,
    reason: str = "",
    errors: list | None = None,
) -> UpsertResult:
    """Write a batch of periods keyed by period, all or nothing; a repeat changes nothing.

    Each item is {"period": date, "numerator", "denominator", "value", "note", "replace"}
    (note None keeps the saved note). A period holding the same value is unchanged; one
    holding a different value is refused unless `replace` (for the batch, or the item).
    Every write goes in the data's history with `user` and `reason`; errors are raised
    together as BatchError [(item index, {field: [messages]})], with the caller's own
    parsing `errors` (its refused items are None) so one answer lists every mistake.
    """
    # Writers of one measure's batch take turns, so two batches cannot both insert a period.
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    points, found = _batch_points(measure, items)
    errors = [*(errors or []), *found]
    existing = {p.period: p for p in measure.data_points.select_for_update()}
    result, changes = UpsertResult(), []
    for index, point, has_note in points:
        old = existing.get(point.period)
        if old is None:
            changes.append((None, point))
            result.created.append(point.period)
        elif _same_values(old, _numbers(point, note=point.note if has_note else old.note)):
            result.unchanged.append(point.period)
        elif not (replace or items[index].get("replace")):
            message = (
                f"{_period_name(measure, point.period)} already holds a different value, "
                'which is kept unless you ask to replace it ("replace": true).'
            )
            errors.append((index, {"period": [message]}))
        else:
            changes.append((old, point if has_note else _keep_note(point, old)))
            result.updated.append(point.period)
    if errors:
        raise BatchError(sorted(errors, key=lambda error: error[0] or 0))
    for old, point in changes:
        if old is None:
            saved(point, user=user, reason=reason)
            continue
        # A correction takes the next version, so a web form opened before it is refused.
        claim_version(old, old.version)
        _point_change(old, **_numbers(point, note=point.note), user=user, reason=reason)
    if changes:
        measure_summary_refresh(measure=measure)
    return result


def _keep_note(point: DataPoint, old: DataPoint) -> DataPoint:
    point.note = old.note
    return point


def data_export_csv(*, measure: Measure) -> str:
    """The measure's data as CSV, in the same columns the import reads."""
    out = io.StringIO()
    writer = csv_writer(out)
    if measure.is_proportion:
        writer.writerow(["period", "numerator", "denominator", "note"])
        for p in measure.data_points.all():
            writer.writerow([p.period.isoformat(), p.numerator, p.denominator, p.note])
    else:
        writer.writerow(["period", "value", "note"])
        for p in measure.data_points.all():
            value = int(p.value) if measure.data_type == DataType.COUNT else p.value
            writer.writerow([p.period.isoformat(), value, p.note])
    return out.getvalue()
