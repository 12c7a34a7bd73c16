"""The one way a service saves a model: validated first (house style rule 1), with its author."""


def saved(instance, *, user=None, reason: str = ""):
    """Validate the instance (full_clean) and save it; `user` and `reason` go in its history."""
    instance.full_clean()
    if user is not None:
        # django-simple-history records who made the change without needing its middleware.
        instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance
