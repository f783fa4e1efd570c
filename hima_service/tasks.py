from celery import shared_task

from .idempotency import idempotency_purge


@shared_task(name="hima_service.ping")
def ping() -> str:
    """Health task: proves that a worker consumes from the broker and can answer."""
    return "pong"


# The name predates the move to the core; beat schedules and queued messages refer to it.
@shared_task(name="bookings.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Beat, hourly: forget Idempotency-Keys past their 24 h (a repeat then counts as new)."""
    return idempotency_purge()
