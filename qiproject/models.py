"""Models of the project's own app: the rows its shared helpers keep."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by its first submit (qiproject.idempotency).

    The key is a hash of the token with the user and the form's address, so a token copied into
    another form or another person's session claims nothing of theirs.
    """

    key = models.CharField(max_length=64, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    created_object = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Form submission at {self.created_at:%Y-%m-%d %H:%M}"
