"""Celery tasks for the outbox and the reminders: they take ids and call services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from messaging import reminders, services


@shared_task(bind=True, max_retries=settings.MESSAGING_MAX_RETRIES)
def message_deliver_task(self, message_id: int) -> bool:
    """Deliver one message; any error retries with exponential backoff, then fails the message.

    Its attempts are counted on the message, so a task the sweeper queues again does not
    start a new series of retries.
    """
    try:
        return services.message_deliver(message_id=message_id)
    except Exception as error:
        if self.request.retries >= self.max_retries or not services.message_has_attempts_left(
            message_id=message_id
        ):
            services.message_fail(message_id=message_id, error=services.error_text(error))
            return False
        delay = settings.MESSAGING_RETRY_BASE_SECONDS * 2**self.request.retries
        services.message_retry_later(message_id=message_id, delay_seconds=delay)
        raise self.retry(exc=error, countdown=delay) from error


@shared_task
def messages_sweep() -> int:
    """Queue again the claimed messages that nobody sent (lost tasks, killed workers)."""
    return len(services.messages_requeue_stale())


@shared_task
def reminders_run(kind: str) -> int:
    """Work out who gets this reminder today and claim their messages (idempotent by key)."""
    return reminders.reminder_run(kind=kind, today=timezone.localdate())
