"""The Celery app: Redis broker, tasks discovered in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")

app = Celery("hima_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
