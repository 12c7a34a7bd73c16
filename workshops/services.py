"""Writes for workshop sessions, invitations, attendance, feedback and learning needs."""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from messaging.models import Category
from messaging.services import Attachment, message_claim
from practices.freshness import practices_changed
from practices.models import Membership, Practice, Programme, User
from qiproject.links import absolute_url
from qiproject.locking import claim_version
from qiproject.saving import saved
from workshops.calendar import session_ics
from workshops.models import (
    Attendance,
    Feedback,
    Invitation,
    LearningNeed,
    LearningTopic,
    Material,
    Response,
    WorkshopSession,
)
from workshops.uploads import check_upload

SESSION_FIELDS = {
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "agenda",
    "learning_objectives",
}
# A change to any of these must reach people's calendars as an update.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "venue", "online_url"}
INVITATION_KIND = "workshop_invitation"


def _published_only(evidence) -> list:
    items = list(evidence or [])
    if any(not item.is_published for item in items):
        raise ValidationError({"evidence": "Only published evidence items can be linked."})
    return items


def _programme_topics(programme, topics) -> list:
    items = list(topics or [])
    if any(topic.programme_id != programme.pk for topic in items):
        raise ValidationError(
            {"agenda_topics": "Choose learning-needs topics of this session's programme."}
        )
    return items


@transaction.atomic
def session_create(
    *,
    programme: Programme,
    facilitators: Iterable[User] = (),
    evidence: Iterable = (),
    agenda_topics: Iterable = (),
    **fields,
) -> WorkshopSession:
    """Add a session to a programme's series, with the learning needs its agenda addresses."""
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    session = saved(WorkshopSession(programme=programme, **fields))
    session.facilitators.set(facilitators)
    session.evidence.set(_published_only(evidence))
    session.agenda_topics.set(_programme_topics(programme, agenda_topics))
    return session


@transaction.atomic
def session_update(
    *,
    session: WorkshopSession,
    version: int,
    facilitators: Iterable[User] | None = None,
    evidence: Iterable | None = None,
    agenda_topics: Iterable | None = None,
    **fields,
) -> WorkshopSession:
    """Change a session; a new time or place bumps the calendar sequence; stale forms refused."""
    locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    claim_version(locked, version)
    changed = set()
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"Unknown field: {name}")
        if getattr(locked, name) != value:
            changed.add(name)
            setattr(locked, name, value)
    if changed & CALENDAR_FIELDS:
        locked.sequence += 1
    saved(locked)
    if facilitators is not None:
        locked.facilitators.set(facilitators)
    if evidence is not None:
        kept = set(locked.evidence.values_list("pk", flat=True))
        # Items linked before they were retired stay linked (shown as retired); new ones
        # must be published.
        _published_only([item for item in evidence if item.pk not in kept])
        locked.evidence.set(evidence)
    if agenda_topics is not None:
        locked.agenda_topics.set(_programme_topics(locked.programme, agenda_topics))
    session.version = locked.version
    return locked


def _lock(session: WorkshopSession) -> None:
    """Serialise writes that check a session's rows and then insert (one per session and user)."""
    list(WorkshopSession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))


@transaction.atomic
def session_invite(*, session: WorkshopSession, send: bool = True) -> list[Invitation]:
    """Invite every team member and patient representative of the enrolled practices.

    People already invited are left alone, so this can be run again when teams grow.
    The emails go after commit (`send=False` records invitations without emailing).
    """
    _lock(session)  # a second "invite" at the same moment waits, then finds everyone invited
    invited = set(session.invitations.values_list("user_id", flat=True))
    memberships = (
        Membership.objects.filter(practice__programme=session.programme, user__is_active=True)
        .select_related("practice")
        .order_by("practice__name", "user__full_name")
    )
    new = []
    for membership in memberships:
        if membership.user_id in invited:
            continue
        invited.add(membership.user_id)
        new.append(
            Invitation(
                session=session,
                user_id=membership.user_id,
                practice=membership.practice,
                role=membership.role,
            )
        )
    created = Invitation.objects.bulk_create(new)
    ids = [invitation.pk for invitation in created]
    if send and ids:
        transaction.on_commit(lambda: invitation_send_many(invitation_ids=ids))
    return created


def invitation_send_many(*, invitation_ids: list[int]) -> None:
    """Email each invitation with its calendar file (the one place that sends them)."""
    invitations = Invitation.objects.filter(
        pk__in=invitation_ids, sent_at__isnull=True
    ).select_related("session__programme", "user")
    for invitation in invitations:
        invitation_send(invitation=invitation)


@transaction.atomic
def invitation_send(*, invitation: Invitation) -> bool:
    """Claim one invitation's email (with its .ics) in the outbox, and note when it went.

    The message key is the person and the session, so the invitation is claimed once
    however often this runs; returns whether this call claimed it.
    """
    session = invitation.session
    link = absolute_url(reverse("workshops:session_detail", args=[session.pk]))
    context = {"invitation": invitation, "session": session, "link": link}
    ics = session_ics(session, attendee=invitation.user).decode()
    _, created = message_claim(
        recipient=invitation.user,
        kind=INVITATION_KIND,
        subject_key=f"workshop:{session.pk}",
        category=Category.ESSENTIAL,
        subject=f"Workshop invitation: {session.title}",
        body=render_to_string("workshops/email/invitation.txt", context),
        attachments=[Attachment("workshop.ics", ics, "text/calendar")],
    )
    Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return created


@transaction.atomic
def invitation_respond(*, invitation: Invitation, response: str) -> Invitation:
    """Record an invitee's answer: yes, no or maybe (they can change their mind)."""
    if response not in (Response.YES, Response.NO, Response.MAYBE):
        raise ValidationError({"response": "Answer yes, no or maybe."})
    invitation.response = response
    invitation.responded_at = timezone.now()
    return saved(invitation)


@transaction.atomic
def attendance_record(
    *, session: WorkshopSession, by: User, user_ids: set[int]
) -> list[Attendance]:
    """Set the register to exactly these invitees; others' ticks are removed."""
    _lock(session)  # two registers saved at once: the second waits and then sets its own
    invitations = {i.user_id: i for i in session.invitations.all()}
    unknown = set(user_ids) - set(invitations)
    if unknown:
        raise ValidationError("Only invited people can be marked as attending.")
    session.attendances.exclude(user_id__in=user_ids).delete()
    present = set(session.attendances.values_list("user_id", flat=True))
    added = sorted(set(user_ids) - present)
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                user_id=user_id,
                practice_id=invitations[user_id].practice_id,
                role=invitations[user_id].role,
                recorded_by=by,
            )
            for user_id in added
        ]
    )
    # bulk_create() sends no signals (the delete above does): attendance shows on dashboards.
    practices_changed(invitations[user_id].practice_id for user_id in added)
    return list(session.attendances.all())


@transaction.atomic
def material_add(
    *, session: WorkshopSession, by: User, upload: UploadedFile, title: str
) -> Material:
    """Store a checked upload under a generated name, outside the web root."""
    mime, extension = check_upload(upload)
    upload.seek(0)
    material = Material(
        session=session,
        title=title.strip() or upload.name,
        original_name=upload.name[:255],
        content_type=mime,
        size=upload.size,
        uploaded_by=by,
    )
    material.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(upload.read()), save=False)
    try:
        return saved(material)
    except ValidationError:
        material.file.delete(save=False)
        raise


@transaction.atomic
def material_delete(*, material: Material) -> None:
    """Remove a material and its file (the file goes only once the row is gone)."""
    storage, name = material.file.storage, material.file.name
    material.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def feedback_submit(
    *,
    session: WorkshopSession,
    user: User,
    usefulness: int,
    confidence: int,
    comments: str = "",
) -> Feedback:
    """Record (or replace) an attendee's feedback once the session has started."""
    if not session.has_happened:
        raise ValidationError("Feedback opens when the session starts.")
    # Locking the attendance row makes a second submit (another tab) wait and then replace.
    if not session.attendances.select_for_update().filter(user=user).exists():
        raise ValidationError("Only people who attended can give feedback.")
    feedback = Feedback.objects.filter(session=session, user=user).first() or Feedback(
        session=session, user=user
    )
    feedback.usefulness = usefulness
    feedback.confidence = confidence
    feedback.comments = comments
    feedback.submitted_at = timezone.now()
    return saved(feedback)


@transaction.atomic
def learning_topic_add(*, programme: Programme, name: str) -> LearningTopic:
    """Add a topic the teams rate their confidence on (appended at the end)."""
    last = programme.learning_topics.order_by("-position").first()
    return saved(
        LearningTopic(
            programme=programme, name=name.strip(), position=(last.position + 1) if last else 1
        )
    )


@transaction.atomic
def learning_topic_remove(*, topic: LearningTopic) -> None:
    """Remove a topic nobody has rated yet (rated topics stay, so results are not lost)."""
    if topic.answers.exists():
        raise ValidationError("People have already rated this topic, so it stays on the list.")
    topic.delete()


@transaction.atomic
def learning_needs_answer(
    *,
    user: User,
    practice: Practice,
    round: str,
    answers: dict[int, int],
    when: datetime | None = None,
) -> list[LearningNeed]:
    """Save one person's confidence on each topic for a round (answering again replaces it)."""
    # One person's answers are saved one submit at a time: a second submit waits and replaces.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    topics = {t.pk: t for t in LearningTopic.objects.filter(programme=practice.programme)}
    if set(answers) - set(topics):
        raise ValidationError("Answer only the programme's topics.")
    needs = []
    for topic_id, confidence in answers.items():
        need = LearningNeed.objects.filter(topic_id=topic_id, user=user, round=round).first()
        need = need or LearningNeed(topic=topics[topic_id], user=user, round=round)
        need.practice = practice
        need.confidence = confidence
        need.answered_at = when or timezone.now()
        needs.append(saved(need))
    return needs
