"""The Celery app: Redis broker, tasks discovered in every installed app."""

import os
from collections.abc import Sequence
from typing import Any

from celery import Celery
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")

app = Celery("hima_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Broker options for a best-effort publish on a request path (a kick that a beat scan backs up):
# one immediate connect retry and short socket timeouts, so a dead or frozen broker costs the
# request a few seconds, never kombu's back-off or an endless wait on a half-open connection.
BEST_EFFORT_CONNECT = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}


def queue_task(
    name: str, args: Sequence[Any] = (), *, connection: Connection, **options: Any
) -> None:
    """Queue a task by name on `connection`, asking for no result.

    Every task of the platform ignores its result, but a task sent by name is unknown to the
    sender, and Celery then prepares to receive a result: with the Redis result backend it
    opens a pub/sub connection in the sending thread and subscribes to the task's result
    channel (then unsubscribes when the returned AsyncResult is dropped). On a web server
    that is a Redis connection per thread and two commands per booking, for a result no
    worker ever stores."""
    app.send_task(name, tuple(args), connection=connection, ignore_result=True, **options)
