"""Writes to the evidence library: only curators reach these (views load through curated_by)."""

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone

from evidence import fts
from evidence.models import EvidenceItem, Status, Topic
from practices.models import User
from qiproject.locking import claim_version

EDITABLE_FIELDS = [
    "kind",
    "title",
    "summary",
    "myth",
    "myth_evidence",
    "citation",
    "url",
    "doi",
    "published_on",
    "strength",
    "clinical_topic",
    "next_review_on",
]


def _history_reason(reason: str) -> str:
    """The reason cut to fit the history's column (the full text stays on the item itself)."""
    limit = EvidenceItem.history.model._meta.get_field("history_change_reason").max_length
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def _saved(item: EvidenceItem, *, by: User, reason: str) -> EvidenceItem:
    item.full_clean()
    item.updated_at = timezone.now()
    # simple_history records who made the change and why in the item's history; its column
    # holds 100 characters, and a longer retire reason failed the save on PostgreSQL.
    item._history_user = by
    item._change_reason = _history_reason(reason)
    item.save()
    # The database's triggers index the item too; this keeps a write through the services
    # indexed even where they were lost (see evidence.fts). A no-op on PostgreSQL.
    fts.sync(connections[item._state.db], [item.pk])
    return item


@transaction.atomic
def evidence_create(*, curator: User, topics: list[Topic] | None = None, **fields) -> EvidenceItem:
    """Create a draft item; the creator becomes its curator."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"key"}
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    item = _saved(EvidenceItem(curator=curator, **fields), by=curator, reason="Created")
    if topics:
        item.topics.set(topics)
    return item


@transaction.atomic
def evidence_update(
    *, item: EvidenceItem, by: User, version: int, topics: list[Topic] | None = None, **fields
) -> EvidenceItem:
    """Edit an item; refused when someone else saved it since the form was opened."""
    locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    claim_version(locked, version)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"Unknown field: {name}")
        setattr(locked, name, value)
    locked.curator = by
    _saved(locked, by=by, reason="Edited")
    if topics is not None:
        locked.topics.set(topics)
    return locked


@transaction.atomic
def evidence_publish(*, item: EvidenceItem, by: User) -> EvidenceItem:
    """Publish a draft (or reinstate a retired item) so practice users can read it."""
    locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    if locked.status == Status.PUBLISHED:
        return locked
    locked.status = Status.PUBLISHED
    locked.retired_reason = ""
    locked.version += 1
    return _saved(locked, by=by, reason="Published")


@transaction.atomic
def evidence_retire(*, item: EvidenceItem, by: User, reason: str) -> EvidenceItem:
    """Withdraw an item from readers, saying why; links to it then show it as retired."""
    if not reason.strip():
        raise ValidationError({"retired_reason": "Say why the item is retired."})
    locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    locked.status = Status.RETIRED
    locked.retired_reason = reason.strip()
    locked.version += 1
    return _saved(locked, by=by, reason=f"Retired: {reason.strip()}")


@transaction.atomic
def topic_get_or_create(*, name: str, slug: str) -> Topic:
    """The topic with this slug, created when missing."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        topic = Topic(name=name, slug=slug)
        topic.full_clean()
        topic.save()
    return topic
