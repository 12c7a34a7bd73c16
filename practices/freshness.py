"""Dashboard tokens: a practice (or programme) gets a new random token when what a dashboard
shows about it changes.

Cached dashboard rows (dashboards.row_cache) are keyed on the practice's token and its
programme's, so a row built before a write is never read after it: the write and the new
token commit in the same transaction. Saves and deletes of the models a row shows are caught
by the receivers in dashboards.freshness; a write that bypasses save() (a conditional
update(), a bulk_create()) on one of those models calls practices_changed() itself, and
tests/write_guard.py, which watches every statement the test suite sends to the database,
fails any test in which such a write leaves the token unchanged.

Each new practice token also records a change of the practice for its programme
(totals_changed): the programme dashboard's kept totals (dashboards.totals) are current while
their programme has no change left unread, which one indexed read tells, and a refresh
recounts the practices named.

The token is random rather than a counter so that a cache outliving a database (a re-seeded
demo, a restored backup) cannot match a row of the new data to a key of the old.
"""

import uuid
from collections.abc import Iterable

from dashboards.models import TotalsChange
from practices.models import Practice, Programme


def practices_changed(practice_ids: Iterable[int | None]) -> None:
    """Give these practices new tokens: their cached dashboard rows are no longer read, and
    their programmes' kept totals recount them."""
    ids = _new_tokens(Practice, practice_ids)
    if ids:
        totals_changed(Practice.objects.filter(pk__in=ids).values_list("programme_id", "pk"))


def totals_changed(changes: Iterable[tuple[int | None, int | None]]) -> None:
    """Record changes to programmes' kept totals (dashboards.models.TotalsChange): each a
    (programme id, practice id) pair, the practice None for the whole programme."""
    TotalsChange.objects.bulk_create(
        [
            TotalsChange(programme_id=programme_id, practice_id=practice_id)
            for programme_id, practice_id in sorted(set(changes), key=str)
            if programme_id is not None
        ]
    )


def programmes_changed(programme_ids: Iterable[int | None]) -> None:
    """Give these programmes new tokens: every row of their practices is rebuilt."""
    _new_tokens(Programme, programme_ids)


def _new_tokens(model, ids: Iterable[int | None]) -> set[int]:
    ids = {pk for pk in ids if pk is not None}
    if ids:
        model.objects.filter(pk__in=ids).update(dashboard_token=uuid.uuid4())
    return ids
