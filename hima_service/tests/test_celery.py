import pytest

from hima_service.tasks import ping
from hima_service.testing import running_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.real_clock("a real Celery worker runs in another process, on the machine's clock"),
]


def test_health_task_runs_on_a_real_worker():
    with running_worker(concurrency=1):
        result = ping.delay()
        assert result.get(timeout=60) == "pong"
