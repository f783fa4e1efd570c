"""Celery tasks for the audit: thin, call a service, harmless to run twice."""

from __future__ import annotations

from celery import shared_task

from .kept import keep_opening_views
from .settle import facts_settle

# A run's steps: a minute's work at most, so that beat's next wake finds it done; a backfill
# (a first deploy, or every fact forgotten) goes on over the following runs.
STEPS_PER_RUN = 50


@shared_task(name="audit.settle_facts", ignore_result=True)
def settle_facts() -> int:
    """Beat, every minute: settle the visits that are over and re-settle the stale ones."""
    return facts_settle(max_steps=STEPS_PER_RUN).settled


@shared_task(name="audit.keep_opening_views", ignore_result=True)
def keep_views() -> int:
    """Beat, every five minutes: the dashboard's opening views figured again and kept."""
    return keep_opening_views()
