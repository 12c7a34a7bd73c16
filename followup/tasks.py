"""Celery tasks for the follow-up survey: they call services."""

from celery import shared_task
from django.utils import timezone

from followup import services


@shared_task
def followup_send_due() -> int:
    """Invite to (and remind about) every survey that is due; idempotent by message keys."""
    return services.followup_send_due(today=timezone.localdate())
