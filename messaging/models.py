"""The outbox: one row per message, claimed under a unique key before it is sent."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qiproject.users import is_signed_in


class Category(models.TextChoices):
    # A survey invitation's first send cannot be turned off; digests and reminders can.
    ESSENTIAL = "essential", "Essential (cannot be turned off)"
    DIGEST = "digest", "Digest"
    REMINDER = "reminder", "Reminder"


class Status(models.TextChoices):
    PENDING = "pending", "Claimed, waiting to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


def message_id_for(
    *, recipient_id: int | None, kind: str, subject_key: str, period: str, to_email: str = ""
) -> str:
    """The stable Message-ID of a key: a resend of the same message carries the same one."""
    # A message to someone without an account (an invitation) is keyed by their address.
    who = recipient_id if recipient_id is not None else f"to:{to_email.lower()}"
    key = f"{who}|{kind}|{subject_key}|{period}"
    # 192 bits of the SHA-256 keep the header on one line (a folded Message-ID confuses some
    # mail software) and are still unique for every key there will ever be.
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:48]}@qiproject>"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Messages sent to the user: each person sees only their own."""
        if not is_signed_in(user):
            return self.none()
        return self.filter(recipient=user)


class Message(models.Model):
    """An email claimed under (recipient, kind, subject key, period) and its delivery state.

    A message to someone who has no account yet (an invitation to join a practice) has no
    recipient and is claimed under its address instead.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
        help_text="Empty for someone without an account, e.g. an invitation to join.",
    )
    kind = models.CharField(max_length=60, help_text="What sort of message, e.g. digest.")
    subject_key = models.CharField(
        max_length=120, help_text="What the message is about, e.g. survey:3 or workshop:12."
    )
    period = models.CharField(
        max_length=40, blank=True, help_text="Which occurrence, e.g. 2027-03-01 or day-14."
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    message_id = models.CharField("Message-ID", max_length=100, unique=True, editable=False)
    to_email = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    # A list of {"filename", "content" (text), "mimetype"}, e.g. a workshop's .ics.
    attachments = models.JSONField(default=list, blank=True)
    # Secrets (personal links) in the body, replaced once the message is sent so the outbox
    # does not keep a usable link.
    redact = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key", "period"], name="message_key_unique"
            ),
            models.UniqueConstraint(
                fields=["to_email", "kind", "subject_key", "period"],
                condition=Q(recipient__isnull=True),
                name="message_address_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="message_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} to {self.to_email}"

    @property
    def key(self) -> str:
        who = self.recipient_id if self.recipient_id is not None else f"to:{self.to_email}"
        return f"{who}|{self.kind}|{self.subject_key}|{self.period}"

    def clean(self):
        for attachment in self.attachments or []:
            if not isinstance(attachment, dict) or not {"filename", "content"} <= set(attachment):
                raise ValidationError(
                    {"attachments": "Each attachment needs a filename and text content."}
                )


class Preference(models.Model):
    """What a person has chosen to receive (absent row: everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    digests = models.BooleanField(
        "send me digests", default=True, help_text="The daily summary for facilitators."
    )
    reminders = models.BooleanField(
        "send me reminders",
        default=True,
        help_text="Workshop, data, action and survey reminders. Survey invitations still come.",
    )

    def __str__(self):
        return f"Message preferences of {self.user}"

    def wants(self, category: str) -> bool:
        if category == Category.DIGEST:
            return self.digests
        if category == Category.REMINDER:
            return self.reminders
        return True
