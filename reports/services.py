"""Writes of the reports app: a person's reflections on their own QI work."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from qiproject.locking import claim_version
from qiproject.saving import saved
from reports import selectors
from reports.models import Reflection

TEXT_FIELDS = ("what_and_why", "what_changed", "what_learned", "what_next")


@transaction.atomic
def reflection_create(*, author, kind: str, object_id: int, **texts: str) -> Reflection:
    """Write the person's reflection on a piece of work they took part in."""
    if selectors.work_taken_part_in(user=author, kind=kind, pk=object_id) is None:
        raise PermissionDenied("You can reflect only on work you took part in.")
    reflection = Reflection(author=author, kind=kind, object_id=object_id, **_texts(texts))
    return saved(reflection)


@transaction.atomic
def reflection_update(*, reflection: Reflection, author, version: int, **texts: str) -> Reflection:
    """Change one's own reflection; a form opened before another save of it is refused."""
    if reflection.author_id != author.pk:
        raise PermissionDenied("A reflection is changed only by the person who wrote it.")
    claim_version(reflection, version)
    reflection.refresh_from_db()
    for name, value in _texts(texts).items():
        setattr(reflection, name, value)
    return saved(reflection)


def _texts(texts: dict) -> dict:
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"A reflection has no {', '.join(sorted(unknown))}")
    return texts
