"""Two queues: the audit's beat work on one, consumed by the `audit` worker alone, and
everything else (delivery first) on the other, so that seconds of audit never hold a process
that sends messages."""

import pytest
from celery.app.routes import Router, prepare
from django.conf import settings

from hima_service.beat import BEAT_SCHEDULE
from hima_service.celery import app as celery_app
from hima_service.tasks import ping
from hima_service.testing import (
    celery_queue,
    queued_messages,
    start_worker,
    stop_worker,
    wait_until,
)


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
    # The run's own audit queue (conftest): Celery builds its router from the routes once.
    audit_queue = celery_app.conf.task_routes["audit.*"]["queue"]
    delivery_log, audit_log = tmp_path / "worker.log", tmp_path / "audit.log"
    with celery_queue() as queue:
        delivery = start_worker(queue, log_path=delivery_log)
        try:
            task_id = celery_app.send_task("audit.keep_opening_views").id
            # The delivery worker is up and has taken what its own queue held ...
            assert ping.delay().get(timeout=60) == "pong"
            # ... and the audit's refresh still waits for its own worker.
            assert task_id in [m["headers"]["id"] for m in queued_messages(audit_queue)]
            audit = start_worker(audit_queue, concurrency=1, log_path=audit_log)
            try:
                succeeded = f"Task audit.keep_opening_views[{task_id}] succeeded"
                assert wait_until(lambda: succeeded in audit_log.read_text(), timeout=60), (
                    audit_log.read_text()
                )
            finally:
                stop_worker(audit)
        finally:
            stop_worker(delivery)
    assert task_id not in delivery_log.read_text()
