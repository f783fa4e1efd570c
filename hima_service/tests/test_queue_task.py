"""Tasks queued by name ask for no result: the sender never subscribes to a result channel."""

from hima_service.celery import app as celery_app
from hima_service.celery import queue_task
from hima_service.testing import queued_messages


def test_a_task_queued_by_name_asks_for_no_result(broker_queue):
    with celery_app.connection_for_write() as connection:
        queue_task("hima_service.ping", (1, "two"), connection=connection)

    [message] = queued_messages(broker_queue)
    assert message["headers"]["task"] == "hima_service.ping"
    assert message["headers"]["argsrepr"] == "(1, 'two')"
    # The flag Celery's send_task reads before subscribing the sender to the result.
    assert message["headers"]["ignore_result"] is True
