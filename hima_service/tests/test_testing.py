"""The test helpers' real worker processes stay inside the run that started them."""

from django.conf import settings

from hima_service.testing import worker_env


def test_a_tests_worker_writes_the_runs_cache_keys_not_the_servers():
    env = worker_env("test-queue", NOTIFICATION_MAX_ATTEMPTS="3")

    # conftest gives each run a prefix of its own, in process; the worker reads it from here.
    assert env["CACHE_KEY_PREFIX"] == settings.CACHES["default"]["KEY_PREFIX"]
    assert env["CACHE_KEY_PREFIX"].startswith("test-")
    assert env["CELERY_QUEUE"] == "test-queue"
    assert env["NOTIFICATION_MAX_ATTEMPTS"] == "3"
