"""Writes for the outbox: claim a message under its key, deliver it, resend a failure.

Delivery is at least once: a worker killed between the SMTP server's acceptance and the
database write leaves the message "sending", and the sweeper sends it again (with the same
Message-ID, so mail software can drop the repeat).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from messaging.models import Category, Message, Preference, Status, message_id_for

REDACTED = "[personal link removed after sending]"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str = "text/plain"


def max_attempts() -> int:
    """How many times a message is tried before it is failed: the first send and its retries."""
    return settings.MESSAGING_MAX_RETRIES + 1


def error_text(error: BaseException) -> str:
    """The error of a failed attempt as the outbox records it."""
    return f"{type(error).__name__}: {error}"[:2000]


def _enqueue(message_id: int) -> None:
    # Imported here: tasks import services, and the task runs only once the row is committed.
    from messaging.tasks import message_deliver_task

    transaction.on_commit(lambda: message_deliver_task.delay(message_id))


def preference_for(user) -> Preference:
    """The person's message preferences (an unsaved default row when they never chose)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def wants_message(user, category: str) -> bool:
    """Whether the person wants messages of this category (essential ones always go)."""
    if category == Category.ESSENTIAL:
        return True
    return preference_for(user).wants(category)


@transaction.atomic
def preference_update(*, user, digests: bool, reminders: bool) -> Preference:
    """Record what a person wants to receive."""
    preference = preference_for(user)
    preference.digests = digests
    preference.reminders = reminders
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def message_claim(
    *,
    recipient,
    kind: str,
    to_email: str = "",
    subject_key: str,
    period: str = "",
    category: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    redact: Iterable[str] = (),
) -> tuple[Message | None, bool]:
    """Claim a message under its key and queue it after commit; a repeated claim sends nothing.

    `recipient` is the person's account; for someone without one (an invitation to join) it is
    None and `to_email` is their address, which then takes the account's place in the key.
    The subject is made one line (it becomes a header), whatever text it was built from.
    Returns (message, created). The message is None when the person turned this category off.
    """
    if recipient is not None:
        to_email = recipient.email
    elif not to_email:
        raise ValueError("A message needs a recipient or an address.")
    key = {"recipient": recipient, "kind": kind, "subject_key": subject_key, "period": period}
    if recipient is None:
        key["to_email"] = to_email
    existing = Message.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    if recipient is not None and not wants_message(recipient, category):
        return None, False
    message = Message(
        **{**key, "to_email": to_email},
        category=category,
        message_id=message_id_for(
            recipient_id=recipient.pk if recipient is not None else None,
            kind=kind,
            subject_key=subject_key,
            period=period,
            to_email=to_email,
        ),
        subject=" ".join(subject.split())[:250],
        body=body,
        attachments=[
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in attachments
        ],
        redact=list(redact),
    )
    message.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # The unique key is the claim: of two concurrent claims, the database lets one in.
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(**key), False
    _enqueue(message.pk)
    return message, True


def _build_email(message: Message) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to_email],
        headers={"Message-ID": message.message_id},
    )
    for attachment in message.attachments:
        email.attach(
            attachment["filename"],
            attachment["content"],
            attachment.get("mimetype") or "text/plain",
        )
    return email


def message_deliver(*, message_id: int) -> bool:
    """Send a claimed message if no one else is sending it; True when this call sent it.

    Any error (the server refused or could not be reached, or the message could not even be
    built, e.g. a header with a line break) is a failed attempt: the message goes back to
    pending with the true error recorded and the error is re-raised, so the task can retry
    with backoff and fail the message once its attempts are used up.
    """
    now = timezone.now()
    # The conditional update takes the row: a second worker or a duplicate task finds
    # nothing to take and does nothing.
    taken = Message.objects.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return False
    message = Message.objects.select_related("recipient").get(pk=message_id)
    try:
        _build_email(message).send(fail_silently=False)
    except Exception as error:
        Message.objects.filter(pk=message_id, status=Status.SENDING).update(
            status=Status.PENDING, last_error=error_text(error)
        )
        raise
    body = message.body
    for secret in message.redact:
        body = body.replace(secret, REDACTED)
    Message.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), body=body, redact=[], last_error=""
    )
    return True


def message_retry_later(*, message_id: int, delay_seconds: int) -> None:
    """Note when a failed attempt will be retried, so the sweeper leaves it to its retry."""
    Message.objects.filter(pk=message_id, status=Status.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay_seconds)
    )


def message_has_attempts_left(*, message_id: int) -> bool:
    """Whether a message may be tried again (MESSAGING_MAX_RETRIES bounds every path)."""
    return Message.objects.filter(pk=message_id, attempts__lt=max_attempts()).exists()


def message_fail(*, message_id: int, error: str) -> None:
    """Give up on a message after its last retry: it shows as failed in the admin."""
    Message.objects.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.FAILED, failed_at=timezone.now(), last_error=error[:2000]
    )


@transaction.atomic
def message_resend(*, message_ids: Iterable[int]) -> int:
    """Put failed messages back in the queue (same key, same Message-ID); returns how many.

    A resent message gets a fresh set of attempts.
    """
    ids = list(
        Message.objects.select_for_update()
        .filter(pk__in=list(message_ids), status=Status.FAILED)
        .values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=ids).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), failed_at=None, attempts=0
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


@transaction.atomic
def messages_requeue_stale(*, now=None) -> list[int]:
    """Queue again what a lost task or a killed worker left unsent; returns the ids.

    Pending messages whose next attempt is overdue by MESSAGING_STALE_AFTER are queued again;
    a message stuck in "sending" for longer than MESSAGING_SENDING_STALE_AFTER (more than the
    task's hard time limit, so nobody is still sending it) goes back to pending first. A
    message whose attempts are used up is failed instead, keeping its last error.
    """
    now = now or timezone.now()
    stale_sending = now - timedelta(seconds=settings.MESSAGING_SENDING_STALE_AFTER)
    Message.objects.filter(status=Status.SENDING, sending_started_at__lte=stale_sending).update(
        status=Status.PENDING, last_error="The worker stopped while sending."
    )
    overdue = now - timedelta(seconds=settings.MESSAGING_STALE_AFTER)
    unsent = Message.objects.filter(Q(status=Status.PENDING), Q(next_attempt_at__lte=overdue))
    unsent.filter(attempts__gte=max_attempts()).update(status=Status.FAILED, failed_at=now)
    ids = list(
        unsent.filter(attempts__lt=max_attempts()).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue(pk)
    return ids
