"""API tokens for tests, made by the service like real ones (the secret is known only here)."""

import itertools

from api import services

_numbers = itertools.count(1)


def make_token(user, *, scope="write", name=None, days=90, now=None) -> str:
    """A token for `user`; returns the secret to send as `Authorization: Bearer ...`."""
    name = name or f"Test {scope} token {next(_numbers)}"
    return services.token_create(user=user, name=name, scope=scope, days=days, now=now).token
