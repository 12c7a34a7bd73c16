"""Periodic upkeep of the programme dashboards' kept totals."""

from celery import shared_task
from django.utils import timezone

from dashboards import totals


@shared_task
def programme_totals_refresh() -> int:
    """Take in the changes waiting for each programme's kept totals (dashboards.totals)."""
    return totals.refresh_all(now=timezone.now())
