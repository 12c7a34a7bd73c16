"""Programme totals kept per practice: cycles per month, Act decisions, the icon matrix, what
needs attention, workshop attendance, learning needs and who facilitates, with no scan of
every cycle (or attendance, or answer) per request.

Each practice's part is kept in a PracticeTotals row with the practice's dashboard token (the
same token every write to what a dashboard shows replaces: dashboards.freshness, checked by
tests/write_guard.py), the programme's stale threshold, and the moment its counts would first
change with no write (an action falling overdue, a cycle going stale). The programme's totals
are the sum of those parts, kept in ProgrammeTotals. A request refreshes only the parts that
are out of date: it finds them in one query, recounts just those practices (a fixed number of
grouped queries), and moves the programme's sums by the difference. A practice deleted or
moved away leaves a part behind, which the next refresh takes away.

Comparing every practice's token with its part would grow with the programme, so every new
practice token also records a TotalsChange naming the practice, a refresh compares only the
practices named (and the parts whose moment has come) and deletes the changes it has taken
in, and the programme's totals keep the earliest moment one of their parts would change with
no write. No change left and that moment not reached: the kept totals are read as they are,
in one query. A change to the whole programme (its stale threshold), or totals never checked
in full, compare every practice.

The refresh writes while a page is read, as the row cache does, and under a lock on the
programme's totals row, so two requests never add the same difference twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dashboards.models import PracticeTotals, ProgrammeTotals, TotalsChange
from dashboards.selectors import ATTENTION_COUNTS
from pdsa.models import MEASURE_OF_CONCERN, Measure, PDSACycle, Stage, goes_stale_at, stale_cutoff
from practices.models import AgreedAction, FacilitatorAssignment, Practice, Programme
from workshops.models import Attendance, LearningNeed

# Above this many practices to recount, the grouped queries filter on the programme rather
# than on a list of ids (and ignore the practices that are up to date).
WHOLE_PROGRAMME = 500


@dataclass
class Part:
    """One practice's counts, and when they would first change with no write."""

    counts: dict
    attention: int
    valid_until: datetime | None


# Attendance counts who took part (people, by role) and how often (attendances, by role). A
# person counts once in the programme however many practices they took part for, so a
# practice's part keeps its attendees ("role|user id": attendances), and the programme's
# distinct people are the number of attendees it keeps (ProgrammeTotals.attendees), which
# only a refresh reads; the dashboard reads "people".
ATTENDEES = "attendees"


def _empty() -> dict:
    return {
        "started": {},
        "completed": {},
        "decided": {},
        "matrix": {},
        "attention": {},
        # Workshops: by role; learning needs: by "topic id|round", confidence summed and counted.
        "people": {},
        "attended": {},
        "confidence": {},
        "answers": {},
        # The programme dashboard's facilitator filter: "user id": practices they facilitate now.
        "facilitators": {},
    }


def _people(attendees: dict) -> dict:
    people = defaultdict(int)
    for key in attendees:
        people[key.split("|")[0]] += 1
    return dict(people)


def _apply(kept, counts: dict, sign: int = 1) -> None:
    """Add a practice's part to the programme's kept totals (or take it away)."""
    _add(kept.counts, {k: v for k, v in counts.items() if k != ATTENDEES}, sign)
    _add(kept.attendees, {ATTENDEES: counts.get(ATTENDEES, {})}, sign)
    kept.counts["people"] = _people(kept.attendees.get(ATTENDEES, {}))


def _add(into: dict, counts: dict, sign: int = 1) -> None:
    for group, values in counts.items():
        target = into.setdefault(group, {})
        for key, count in values.items():
            total = target.get(key, 0) + sign * count
            if total:
                target[key] = total
            else:
                target.pop(key, None)


def _month(value) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _midnight_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def count_parts(
    programme: Programme, ids: list[int], *, now: datetime, until: datetime | None = None
) -> dict[int, Part]:
    """The counts of these practices of the programme, from the database (nine queries);
    `until` leaves out cycles created from then on (a report as of a day)."""
    if not ids:
        return {}
    today = timezone.localdate(now)
    days = programme.stale_cycle_days
    wanted = set(ids)
    if len(ids) > WHOLE_PROGRAMME:
        in_plans = Q(plan__practice__programme_id=programme.pk)
        in_practices = Q(practice__programme_id=programme.pk)
    else:
        in_plans = Q(plan__practice_id__in=ids)
        in_practices = Q(practice_id__in=ids)
    counts = {pk: _empty() for pk in ids}
    attention = {pk: dict.fromkeys(ATTENTION_COUNTS, 0) for pk in ids}
    waits = defaultdict(list)

    cycles = PDSACycle.objects.filter(in_plans)
    if until is not None:
        cycles = cycles.filter(created_at__lt=until)
    cycles = (
        cycles.annotate(started=TruncMonth("start_date"), ended=TruncMonth("end_date"))
        .values_list("plan__practice_id", "started", "ended", "stage", "decision")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for pk, started, ended, stage, decision, count in cycles:
        if pk not in wanted:
            continue
        if (month := _month(started)) is not None:
            _add(counts[pk], {"started": {month: count}})
        if stage == Stage.COMPLETE and (month := _month(ended)) is not None:
            _add(counts[pk], {"completed": {month: count}})
        if decision:
            _add(counts[pk], {"decided": {decision: count}})

    # The stale rule (PDSACycle.objects.stale) at this programme's threshold, and when the
    # oldest cycle not yet stale will be.
    stale = (
        PDSACycle.objects.stale(now, thresholds=[days])
        .filter(in_plans)
        .values_list("plan__practice_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for pk, count in stale:
        if pk in wanted:
            attention[pk]["stale_cycles"] = count
    fine = (
        PDSACycle.objects.open()
        .filter(in_plans, updated_at__gte=stale_cutoff(now, days))
        .values_list("plan__practice_id")
        .annotate(oldest=Min("updated_at"))
        .order_by()
    )
    for pk, oldest in fine:
        if pk in wanted:
            waits[pk].append(goes_stale_at(oldest, days))

    overdue = (
        AgreedAction.objects.overdue(today)
        .filter(in_practices)
        .values_list("practice_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for pk, count in overdue:
        if pk in wanted:
            attention[pk]["overdue_actions"] = count
    due = (
        AgreedAction.objects.open()
        .filter(in_practices, due_on__gte=today)
        .values_list("practice_id")
        .annotate(first=Min("due_on"))
        .order_by()
    )
    for pk, first in due:
        if pk in wanted:  # overdue from the midnight after its due day
            waits[pk].append(_midnight_after(first))

    measures = (
        Measure.objects.filter(in_plans)
        .values_list("plan__practice_id", "latest_variation", "latest_assurance")
        .annotate(count=Count("pk"), concern=Count("pk", filter=MEASURE_OF_CONCERN))
        .order_by()
    )
    for pk, variation, assurance, count, concern in measures:
        if pk in wanted:
            _add(counts[pk], {"matrix": {f"{variation}|{assurance}": count}})
            attention[pk]["measures_of_concern"] += concern

    facilitating = (
        FacilitatorAssignment.objects.filter(in_practices, ended_on__isnull=True)
        .values_list("practice_id", "facilitator_id")
        .order_by()
    )
    for pk, facilitator_id in facilitating:
        if pk in wanted:
            _add(counts[pk], {"facilitators": {str(facilitator_id): 1}})

    attendances = Attendance.objects.filter(in_practices, session__programme_id=programme.pk)
    if until is not None:
        attendances = attendances.filter(session__starts_at__lt=until)
    attendances = (
        attendances.values_list("practice_id", "role", "user_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for pk, role, user_id, count in attendances:
        if pk in wanted:
            _add(counts[pk], {ATTENDEES: {f"{role}|{user_id}": count}, "attended": {role: count}})

    answers = (
        LearningNeed.objects.filter(in_practices, topic__programme_id=programme.pk)
        .values_list("practice_id", "topic_id", "round")
        .annotate(total=Sum("confidence"), count=Count("pk"))
        .order_by()
    )
    for pk, topic_id, round_, total, count in answers:
        if pk in wanted:
            key = f"{topic_id}|{round_}"
            _add(counts[pk], {"confidence": {key: total}, "answers": {key: count}})

    parts = {}
    for pk in ids:
        needing = sum(attention[pk].values())
        _add(
            counts[pk],
            {"attention": {**attention[pk], "practices": 1, "needing": 1 if needing else 0}},
        )
        parts[pk] = Part(counts[pk], needing, min(waits[pk]) if waits[pk] else None)
    return parts


def fresh_counts(programme: Programme, *, now: datetime, until: datetime | None = None) -> dict:
    """The programme's totals counted afresh, with nothing kept (what the kept sums must equal,
    and a report as of a day: `until`)."""
    ids = list(Practice.objects.filter(programme=programme).values_list("pk", flat=True))
    total = _empty()
    for part in count_parts(programme, ids, now=now, until=until).values():
        _add(total, part.counts)
    total["people"] = _people(total.pop(ATTENDEES, {}))
    return total


def _out_of_date(programme: Programme, now: datetime, among: set[int] | None = None):
    """(pk, token, name) of the programme's practices whose kept part is missing or out of date,
    and the ids of the kept parts of practices no longer in the programme (two queries);
    only of the practices `among`, if given."""
    practices = Practice.objects.filter(programme_id=programme.pk)
    parts = PracticeTotals.objects.filter(programme_id=programme.pk)
    if among is not None:
        practices = practices.filter(pk__in=among)
        parts = parts.filter(practice_id__in=among)
    current = PracticeTotals.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        programme_id=programme.pk,
        practice_id=OuterRef("pk"),
        token=OuterRef("dashboard_token"),
        stale_days=programme.stale_cycle_days,
        built_at__lte=now,  # a clock set back must not keep counts taken for a later time
    )
    stale = list(practices.exclude(Exists(current)).values_list("pk", "dashboard_token", "name"))
    gone = list(
        parts.exclude(Exists(practices.filter(pk=OuterRef("practice_id")))).values_list(
            "practice_id", flat=True
        )
    )
    return stale, gone


def _named(kept: ProgrammeTotals, changes: list[tuple[int, int | None]], now: datetime):
    """The practices a refresh compares with their kept parts: those the changes name and
    those whose parts' time has come. None (every practice of the programme) when the totals
    have never been checked in full, were counted for a later time (a clock set back), or a
    change names the whole programme (its stale threshold)."""
    if kept.built_at is None or kept.built_at > now:
        return None
    named = {practice_id for _, practice_id in changes}
    if None in named:
        return None
    due = PracticeTotals.objects.filter(programme_id=kept.programme_id, valid_until__lte=now)
    return named | set(due.values_list("practice_id", flat=True))


def kept_counts(programme: Programme, *, now: datetime) -> dict:
    """The programme's totals, refreshing only the practices whose counts are out of date.

    One query when nothing has changed: the kept totals, if no write has been recorded for
    the programme since they were counted (TotalsChange) and none of their parts has yet
    reached the moment it would change with no write."""
    kept = list(
        ProgrammeTotals.objects.filter(programme_id=programme.pk)
        .annotate(changed=_changes_waiting(programme))
        .values_list("counts", "built_at", "valid_until", "changed")[:1]
    )
    if kept:
        counts, built_at, valid_until, changed = kept[0]
        current = built_at is not None and built_at <= now
        if current and not changed and (valid_until is None or now < valid_until):
            return {**_empty(), **counts}
    return _refresh(programme, now)


def _changes_waiting(programme: Programme) -> RawSQL:
    """Whether any TotalsChange waits for the programme. Written out because this runs on
    every view of the dashboard, and building the same test as an ORM Exists() took longer
    than the query itself (about 1 ms of Python against 0.3 ms)."""
    table = connection.ops.quote_name(TotalsChange._meta.db_table)
    column = connection.ops.quote_name(TotalsChange._meta.get_field("programme").column)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {table} WHERE {column} = %s)",
        [programme.pk],
        output_field=BooleanField(),
    )


def refresh_all(*, now: datetime) -> int:
    """Bring every kept programme's totals up to date (hourly, from Celery beat), so that the
    changes waiting for a refresh stay few and a lead's first view of the hour is quick;
    returns how many programmes were looked at.

    The changes of a programme with no kept totals are deleted: its first view counts every
    practice anyway."""
    kept = ProgrammeTotals.objects.filter(programme_id=OuterRef("programme_id"))
    TotalsChange.objects.exclude(Exists(kept)).delete()
    programmes = list(
        Programme.objects.filter(pk__in=ProgrammeTotals.objects.values("programme_id"))
    )
    for programme in programmes:
        kept_counts(programme, now=now)
    return len(programmes)


def _refresh(programme: Programme, now: datetime) -> dict:
    ProgrammeTotals.objects.bulk_create(
        [ProgrammeTotals(programme_id=programme.pk, counts=_empty())], ignore_conflicts=True
    )
    with transaction.atomic():
        kept = ProgrammeTotals.objects.select_for_update().get(programme_id=programme.pk)
        # The changes recorded so far, read before the practices: a write committed later
        # leaves its own record for the next request.
        seen = list(
            TotalsChange.objects.filter(programme_id=programme.pk).values_list("pk", "practice_id")
        )
        stale, gone = _out_of_date(programme, now, among=_named(kept, seen, now))
        # Read before the counts, so newer counts never get an older token.
        tokens = {pk: token for pk, token, _ in stale}
        names = {pk: name for pk, _, name in stale}
        parts = count_parts(programme, list(tokens), now=now)
        old = list(
            PracticeTotals.objects.filter(programme_id=programme.pk, practice_id__in=list(tokens))
        )
        gone = list(PracticeTotals.objects.filter(programme_id=programme.pk, practice_id__in=gone))
        for part in [*old, *gone]:
            _apply(kept, part.counts, -1)
        for part in parts.values():
            _apply(kept, part.counts)
        PracticeTotals.objects.filter(pk__in=[part.pk for part in [*old, *gone]]).delete()
        PracticeTotals.objects.bulk_create(
            PracticeTotals(
                programme_id=programme.pk,
                practice_id=pk,
                token=tokens[pk],
                stale_days=programme.stale_cycle_days,
                built_at=now,
                valid_until=part.valid_until,
                attention=part.attention,
                name=names[pk],
                counts=part.counts,
            )
            for pk, part in parts.items()
        )
        kept.built_at = now
        kept.valid_until = PracticeTotals.objects.filter(programme_id=programme.pk).aggregate(
            first=Min("valid_until")
        )["first"]
        kept.save(update_fields=["counts", "attendees", "built_at", "valid_until"])
        TotalsChange.objects.filter(pk__in=[pk for pk, _ in seen]).delete()
    return {**_empty(), **kept.counts}
