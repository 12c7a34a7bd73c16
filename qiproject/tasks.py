"""Periodic housekeeping of the project's shared helpers."""

from celery import shared_task

from qiproject import idempotency


@shared_task
def form_submissions_sweep() -> int:
    """Delete one-time form tokens past their keeping time."""
    return idempotency.form_submissions_sweep()
