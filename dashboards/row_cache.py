"""Dashboard rows kept in the cache, keyed on the practice's and its programme's tokens.

A row is built once (dashboards.selectors.practice_rows, then dashboards.rows) and read back
until either token changes (every write to what the row shows replaces one: see
dashboards.freshness) or until the row would read differently with no write at all:
the next local midnight (overdue actions, the last visit that happened), the moment the next
of its open cycles passes the programme's stale threshold, and the start of the next workshop.
So a cached row is always the row that would be built now; tests compare the two after every
kind of write and as time passes.

The cache is Django's default cache (per process unless configured otherwise): keys carry
the tokens, so processes that do not share a cache still never read a superseded row.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from dashboards import rows as row_html
from dashboards import selectors

# Bump when the HTML or the fields of a cached row change, so old entries are not read.
FORMAT = 3
KEY = "dashboards:row:{format}:{pk}:{token}:{programme_token}"
# Entries also expire from the cache itself after a day (they are invalid by midnight).
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class MeasureIcon:
    """A measure as the programme dashboard's icon matrix shows it."""

    pk: int
    name: str
    latest_variation: str
    latest_assurance: str


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
    # (pk, name, latest variation, latest assurance): plain tuples unpickle fastest, and the
    # facilitator dashboard reads 50 rows of 15 measures on every request.
    measures: tuple[tuple[int, str, str, str], ...]

    def measure_icons(self) -> list[MeasureIcon]:
        return [MeasureIcon(*measure) for measure in self.measures]


def _key(pk, token, programme_token) -> str:
    return KEY.format(format=FORMAT, pk=pk, token=token, programme_token=programme_token)


def _next_midnight(now: datetime) -> datetime:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _valid_until(row, now: datetime) -> datetime:
    """When the row would first read differently without any write."""
    moments = [_next_midnight(now), row.next_stale_at]
    if row.next_workshop is not None:
        moments.append(row.next_workshop.starts_at)
    return min(moment for moment in moments if moment is not None)


def build_rows(practice_ids: list[int], *, now: datetime) -> dict[int, CachedRow]:
    """Build the rows of these practices from the database (no cache)."""
    rows = selectors.build_practice_rows(practice_ids, now=now)
    htmls = row_html.row_htmls(rows, today=timezone.localdate(now))
    return {
        row.practice.pk: CachedRow(
            pk=row.practice.pk,
            name=row.practice.name,
            attention=row.practice.attention,
            last_visit_on=row.visits.last_visit_on,
            built_at=now,
            valid_until=_valid_until(row, now),
            html=html,
            measures=tuple(
                (m.pk, m.name, m.latest_variation, m.latest_assurance) for m in row.measures
            ),
        )
        for row, html in zip(rows, htmls, strict=True)
    }


def cached_rows(listed: list[tuple[int, object, object]], *, now: datetime) -> list[CachedRow]:
    """The rows of (pk, token, programme token) in that order: from the cache, or built."""
    keys = {pk: _key(pk, token, programme_token) for pk, token, programme_token in listed}
    found = cache.get_many(keys.values())
    rows = {}
    for pk, key in keys.items():
        entry = found.get(key)
        # Read only between when it was built and when it would first read differently (a
        # clock set back must not bring back a row built for a later time).
        if entry is not None and entry.built_at <= now < entry.valid_until:
            rows[pk] = entry
    missing = [pk for pk in keys if pk not in rows]
    if missing:
        built = build_rows(missing, now=now)
        cache.set_many({keys[pk]: row for pk, row in built.items()}, timeout=TIMEOUT)
        rows.update(built)
    return [rows[pk] for pk in keys if pk in rows]


def sorted_rows(practices, *, now: datetime, sort: str, attention_only: bool, limit: int):
    """The rows of these practices from the cache, filtered and sorted as
    selectors.dashboard_practices sorts in the database; None if there are more than `limit`.

    Stable sorts over the database's order of names, so the two orders agree.
    """
    listed = list(
        practices.order_by("name", "pk").values_list(
            "pk", "dashboard_token", "programme__dashboard_token"
        )[: limit + 1]
    )
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
