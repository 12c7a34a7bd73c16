"""Who counts as signed in: the one anonymous/inactive check every access rule starts from."""


def is_signed_in(user) -> bool:
    """A real, active account: not anonymous, not missing, not deactivated."""
    return user is not None and bool(user.is_authenticated) and bool(user.is_active)
