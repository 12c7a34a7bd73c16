"""Dashboard rows kept in the cache, in parts, each keyed on what it shows.

A row is built once (dashboards.selectors.build_practice_rows, then dashboards.rows) and read
back in two parts, each until what it shows changes:

- the practice's part (every column but the three below), keyed on the practice's token
  (every write to what it shows replaces it: see dashboards.freshness) and its programme's
  stale threshold, and read until the row would read differently with no write at all: the
  next local midnight (overdue actions, the last visit that happened, the next planned one)
  or the moment the next of its open cycles passes the stale threshold;
- the programme's workshops (the next workshop, the number of sessions held), one entry a
  programme keyed on the programme's token, read until the next workshop starts;
- the facilitator's name, read with the list of practices and never kept.

So saving a workshop session or the programme rebuilds one entry, not every practice's row;
renaming a facilitator rebuilds nothing; and a cached row is always the row that would be
built now: tests compare the two after every kind of write and as time passes.

The cache is Django's default cache: per process unless `CACHE_URL` names a shared one
(Redis), which every web process then reads and fills. Keys carry the tokens, so processes
that do not share a cache still never read a superseded part.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from dashboards import rows as row_html
from dashboards import selectors
from practices.models import Practice

# Bump when the HTML or the fields of a cached part change, so old entries are not read.
FORMAT = 4
PRACTICE_KEY = "dashboards:row:{format}:{pk}:{token}:{stale_days}"
WORKSHOPS_KEY = "dashboards:workshops:{format}:{programme}:{token}"
# Entries also expire from the cache itself after a day (practice parts are invalid by midnight).
TIMEOUT = 24 * 60 * 60
NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class MeasureIcon:
    """A measure as the programme dashboard's icon matrix shows it."""

    pk: int
    name: str
    latest_variation: str
    latest_assurance: str


@dataclass(frozen=True)
class Listed:
    """A listed practice as the list query reads it (selectors.LISTED)."""

    pk: int
    token: object
    programme_id: int
    programme_token: object
    stale_days: int
    facilitator: str | None

    @property
    def key(self) -> str:
        return PRACTICE_KEY.format(
            format=FORMAT, pk=self.pk, token=self.token, stale_days=self.stale_days
        )

    @property
    def workshops_key(self) -> str:
        return WORKSHOPS_KEY.format(
            format=FORMAT, programme=self.programme_id, token=self.programme_token
        )


@dataclass(frozen=True)
class PracticePart:
    """The cached part of a row that only the practice's own writes (and time) change."""

    pk: int
    name: str
    attention: int
    last_visit_on: date | None
    built_at: datetime
    valid_until: datetime
    html: row_html.RowParts
    # (pk, name, latest variation, latest assurance): plain tuples unpickle fastest, and the
    # facilitator dashboard reads 50 rows of 15 measures on every request.
    measures: tuple[tuple[int, str, str, str], ...]


@dataclass(frozen=True)
class WorkshopsPart:
    """The cached part of every row of a programme: its next workshop's cell, sessions held."""

    built_at: datetime
    valid_until: datetime
    cell: str
    held: int


@dataclass(frozen=True)
class CachedRow:
    """What the dashboards need of a practice: its sort keys, its HTML row, its measures."""

    pk: int
    name: str
    attention: int
    last_visit_on: date | None
    built_at: datetime
    valid_until: datetime
    html: str
    measures: tuple[tuple[int, str, str, str], ...]

    def measure_icons(self) -> list[MeasureIcon]:
        return [MeasureIcon(*measure) for measure in self.measures]


def _next_midnight(now: datetime) -> datetime:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _readable(entry, now: datetime) -> bool:
    # Read only between when it was built and when it would first read differently (a clock
    # set back must not bring back a part built for a later time).
    return entry is not None and entry.built_at <= now < entry.valid_until


def _practice_parts(practice_ids: list[int], *, now: datetime):
    """Build these practices' parts, and their programmes' workshop parts, from the database."""
    rows = selectors.build_practice_rows(practice_ids, now=now)
    htmls = row_html.row_parts(rows, today=timezone.localdate(now))
    parts, workshops = {}, {}
    for row, html in zip(rows, htmls, strict=True):
        moments = [_next_midnight(now), row.next_stale_at]
        parts[row.practice.pk] = PracticePart(
            pk=row.practice.pk,
            name=row.practice.name,
            attention=row.practice.attention,
            last_visit_on=row.visits.last_visit_on,
            built_at=now,
            valid_until=min(moment for moment in moments if moment is not None),
            html=html,
            measures=tuple(
                (m.pk, m.name, m.latest_variation, m.latest_assurance) for m in row.measures
            ),
        )
        workshops[row.practice.programme_id] = _workshops_part(
            row.next_workshop, row.sessions_held, now
        )
    return parts, workshops


def _workshops_part(next_workshop, held: int, now: datetime) -> WorkshopsPart:
    starts_at = next_workshop.starts_at if next_workshop is not None else None
    return WorkshopsPart(
        built_at=now,
        valid_until=starts_at or NEVER,
        cell=row_html.workshop_cell(starts_at),
        held=held,
    )


def _join(practice: PracticePart, workshops: WorkshopsPart, facilitator) -> CachedRow:
    return CachedRow(
        pk=practice.pk,
        name=practice.name,
        attention=practice.attention,
        last_visit_on=practice.last_visit_on,
        built_at=max(practice.built_at, workshops.built_at),
        valid_until=min(practice.valid_until, workshops.valid_until),
        html=practice.html.join(
            facilitator=row_html.facilitator_text(facilitator),
            workshop=workshops.cell,
            held=workshops.held,
        ),
        measures=practice.measures,
    )


def build_rows(practice_ids: list[int], *, now: datetime) -> dict[int, CachedRow]:
    """Build the rows of these practices from the database (no cache)."""
    names = dict(
        selectors.with_facilitator_name(Practice.objects.filter(pk__in=practice_ids)).values_list(
            "pk", "facilitator_name"
        )
    )
    parts, _ = _practice_parts(practice_ids, now=now)
    programmes = dict(
        Practice.objects.filter(pk__in=practice_ids).values_list("pk", "programme_id")
    )
    workshops = {
        pk: _workshops_part(found.next_workshop, found.held, now)
        for pk, found in selectors.programme_workshops(
            list(set(programmes.values())), now=now
        ).items()
    }
    return {pk: _join(part, workshops[programmes[pk]], names.get(pk)) for pk, part in parts.items()}


def cached_rows(listed: list[tuple], *, now: datetime) -> list[CachedRow]:
    """The rows of these practices (selectors.LISTED values) in that order: from the cache's
    parts, building only the parts that are missing or out of date."""
    practices = [Listed(*values) for values in listed]
    keys = {practice.key for practice in practices} | {p.workshops_key for p in practices}
    found = {key: entry for key, entry in cache.get_many(keys).items() if _readable(entry, now)}
    missing = [p.pk for p in practices if p.key not in found]
    fresh = {}
    if missing:
        parts, workshops = _practice_parts(missing, now=now)
        by_pk = {p.pk: p for p in practices}
        for pk, part in parts.items():
            fresh[by_pk[pk].key] = part
        for practice in practices:
            if practice.pk in parts and practice.programme_id in workshops:
                fresh.setdefault(practice.workshops_key, workshops[practice.programme_id])
    unbuilt = {
        p.programme_id: p.workshops_key
        for p in practices
        if p.workshops_key not in found and p.workshops_key not in fresh
    }
    if unbuilt:  # only the programme's workshops changed: one query, no practice rebuilt
        for programme_id, workshops in selectors.programme_workshops(
            list(unbuilt), now=now
        ).items():
            fresh[unbuilt[programme_id]] = _workshops_part(
                workshops.next_workshop, workshops.held, now
            )
    if fresh:
        cache.set_many(fresh, timeout=TIMEOUT)
        found.update(fresh)
    return [
        _join(found[p.key], found[p.workshops_key], p.facilitator)
        for p in practices
        if p.key in found
    ]


def sorted_rows(practices, *, now: datetime, sort: str, attention_only: bool, limit: int):
    """The rows of these practices from the cache, filtered and sorted as
    selectors.dashboard_practices sorts in the database; None if there are more than `limit`.

    Stable sorts over the database's order of names, so the two orders agree.
    """
    listed = list(selectors.listed(practices.order_by("name", "pk"))[: limit + 1])
    if len(listed) > limit:
        return None
    rows = cached_rows(listed, now=now)
    if attention_only:
        rows = [row for row in rows if row.attention > 0]
    if sort == "attention":
        rows.sort(key=lambda row: -row.attention)
    elif sort == "last_visit":
        # Never visited first, then longest since a visit.
        rows.sort(key=lambda row: (row.last_visit_on is not None, row.last_visit_on or date.min))
    return rows
