"""Personal API tokens: each opens the API as its person, for reading or also for writing.

Only a hash of a token is stored. A token reads `qi_<prefix>_<secret>`: the prefix (not
secret) finds its row, and the SHA-256 of the whole token must match the stored hash. A
random 256-bit secret needs no slow hash: nobody can guess it from its SHA-256.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qiproject.users import is_signed_in


class Scope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own tokens: nobody else sees or revokes them, staff included."""
        if not is_signed_in(user):
            return self.none()
        return self.filter(user=user)

    def usable(self, now):
        """Tokens neither revoked nor expired at `now`."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal API token (its hash): name, scope, expiry, last use, revocation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100,
        help_text="What uses it, for example “EMIS monthly search upload”. Shown in the "
        "history of every value it writes.",
    )
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_unique_live_name",
                violation_error_message="You already have a token with this name.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    def is_usable(self, now=None) -> bool:
        """The Python twin of ApiTokenQuerySet.usable."""
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def status(self) -> str:
        """Active, expired or revoked, as the tokens page says it."""
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.is_usable() else "Expired"

    @property
    def history_reason(self) -> str:
        """How the history names a write made with this token."""
        return f"API token {self.name}"[:100]
