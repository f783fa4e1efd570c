"""The scan that runs out estimate lines left unanswered past their 48 hours."""

from celery import shared_task

from .services import estimates_expire


@shared_task(name="estimates.expire_unanswered", ignore_result=True)
def expire_unanswered() -> int:
    """One UPDATE over every overdue line; harmless to run twice (reads also expire lazily)."""
    return estimates_expire()
