"""Writes for API tokens: create (the token is returned once), revoke, note a use."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import ApiToken, Scope
from qiproject.saving import saved

TOKEN_START = "qi_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
# A token's last use is written at most this often: a busy script would otherwise write a
# row on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The stored form of a token: the hex SHA-256 of the whole token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or None."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token[len(TOKEN_START) :].partition("_")
    if len(prefix) != 12 or not secret:
        return None
    return prefix


@dataclass
class NewToken:
    """A token just created: `token` is the only time its secret is known."""

    api_token: ApiToken
    token: str


@transaction.atomic
def token_create(*, user, name: str, scope: str, days: int = DEFAULT_DAYS, now=None) -> NewToken:
    """Make a personal token for `user`, valid for `days`; the secret is returned once."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Choose between 1 and {MAX_DAYS} days."})
    if scope not in Scope.values:
        raise ValidationError({"scope": "Choose read or write."})
    name = name.strip()
    if ApiToken.objects.visible_to(user).filter(name=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": "You already have a token with this name."})
    now = now or timezone.now()
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    api_token = saved(
        ApiToken(
            user=user,
            name=name,
            scope=scope,
            prefix=prefix,
            secret_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return NewToken(api_token=api_token, token=token)


@transaction.atomic
def token_revoke(*, api_token: ApiToken, now=None) -> ApiToken:
    """Revoke a token at once (a repeat keeps the first revocation time)."""
    now = now or timezone.now()
    ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(revoked_at=now)
    api_token.refresh_from_db(fields=["revoked_at"])
    return api_token


def token_touch(*, api_token: ApiToken, now: datetime | None = None) -> None:
    """Record a use, at most once a minute, with one conditional update and no read."""
    now = now or timezone.now()
    if api_token.last_used_at is not None and api_token.last_used_at > now - LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=api_token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    api_token.last_used_at = now
