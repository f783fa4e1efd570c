from celery import shared_task


@shared_task(name="hima_service.ping")
def ping() -> str:
    """Health task: proves that a worker consumes from the broker and can answer."""
    return "pong"
