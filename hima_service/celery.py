"""The Celery app: Redis broker, tasks discovered in every installed app."""

import os

from celery import Celery

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
