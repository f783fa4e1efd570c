"""Two queues: the audit's beat work on one, consumed by the `audit` worker alone, and
everything else (delivery first) on the other, so that seconds of audit never hold a process
that sends messages."""

import re
import uuid

import pytest
from celery.app.routes import Router, prepare
from django.conf import settings

from hima_service.beat import BEAT_SCHEDULE
from hima_service.celery import app as celery_app
from hima_service.tasks import ping
from hima_service.testing import (
    celery_queue,
    drop_queue,
    queued_messages,
    start_worker,
    stop_worker,
    wait_until,
)

# A worker's log lines for one task (its banner lists every task it knows, by name alone).
KEPT_RECEIVED = re.compile(r"Task audit\.keep_opening_views\[[0-9a-f-]+\] received")
KEPT_SUCCEEDED = re.compile(r"Task audit\.keep_opening_views\[[0-9a-f-]+\] succeeded")


def routed_queue(task_name: str) -> str:
    """The queue the settings' routes send `task_name` to (the default queue when none)."""
    routes = prepare(settings.CELERY_TASK_ROUTES)
    route = Router(routes, celery_app.amqp.queues, app=celery_app).route({}, task_name)
    return route["queue"].name


def test_the_settings_route_the_audits_tasks_to_their_queue_and_nothing_else():
    assert settings.AUDIT_QUEUE == "hima-audit"  # the queue the Procfile's `audit` consumes
    names = {name for name in celery_app.tasks if not name.startswith("celery.")}
    names |= {entry["task"] for entry in BEAT_SCHEDULE.values()}
    audit = {name for name in names if name.startswith("audit.")}
    assert {"audit.settle_facts", "audit.keep_opening_views"} <= audit
    for name in names:
        expected = settings.AUDIT_QUEUE if name in audit else celery_app.conf.task_default_queue
        assert routed_queue(name) == expected, name


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock("real Celery workers run in other processes, on the machine's clock")
def test_the_delivery_worker_leaves_the_audit_to_the_audit_worker(tmp_path):
    audit_queue = f"test-audit-{uuid.uuid4().hex[:10]}"
    routes = celery_app.conf.task_routes
    celery_app.conf.task_routes = {"audit.*": {"queue": audit_queue}}
    delivery_log, audit_log = tmp_path / "worker.log", tmp_path / "audit.log"
    try:
        with celery_queue() as queue:
            delivery = start_worker(queue, log_path=delivery_log)
            try:
                celery_app.send_task("audit.keep_opening_views")
                # The delivery worker is up and has taken what its own queue held ...
                assert ping.delay().get(timeout=60) == "pong"
                # ... and the audit's refresh still waits for its own worker.
                waiting = queued_messages(audit_queue)
                assert [m["headers"]["task"] for m in waiting] == ["audit.keep_opening_views"]
                audit = start_worker(audit_queue, concurrency=1, log_path=audit_log)
                try:
                    assert wait_until(
                        lambda: KEPT_SUCCEEDED.search(audit_log.read_text()), timeout=60
                    ), audit_log.read_text()
                finally:
                    stop_worker(audit)
            finally:
                stop_worker(delivery)
        assert queued_messages(audit_queue) == []
        assert KEPT_RECEIVED.search(delivery_log.read_text()) is None
    finally:
        celery_app.conf.task_routes = routes
        drop_queue(audit_queue)
