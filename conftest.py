"""Fixtures shared by every app's tests: a fixed clock, API clients per role, a clean cache."""

import datetime as dt
import functools
import importlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import redis
import time_machine
from django.apps import apps
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import AdminFactory, UserFactory
from hima_service.cache import database_namespace
from hima_service.celery import app as celery_app
from hima_service.testing import celery_queue, drop_queue

# Every test starts at this instant, whatever the day and hour the suite runs: a Wednesday
# morning in Shanghai, with the outlets open. `make test-dates` runs the date-dependent tests
# again at the instants where calendars have edges (HIMA_TEST_NOW, any ISO-8601 with offset).
TEST_NOW = dt.datetime.fromisoformat(os.environ.get("HIMA_TEST_NOW", "2026-11-18T10:00:00+08:00"))


def fixed_clock() -> time_machine.travel:
    """The clock at TEST_NOW, ticking from there: module-scoped fixtures that write dated rows
    enter it themselves, as they run before the per-test clock below."""
    return time_machine.travel(TEST_NOW, tick=True)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    """Each test begins at TEST_NOW, unless it is marked `real_clock("why")`: real Celery
    workers in other processes, or PostgreSQL's now(), keep the machine's time."""
    marker = request.node.get_closest_marker("real_clock")
    if marker is not None:
        if not (marker.args and marker.args[0]):
            pytest.fail("real_clock needs its reason: @pytest.mark.real_clock('why')")
        yield
        return
    with fixed_clock():
        yield


def pytest_configure(config):
    # Own cache keys per run: the cache shares Redis with the broker and other runs, so tests
    # must never FLUSHDB; they delete only their own keys.
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
    # Factories hash a password per user; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks that committed bookings queue on commit (notification kicks) go to this run's own
    # queues, never to the ones `make run`'s workers consume against another database.
    celery_app.conf.task_default_queue = RUN_QUEUE
    celery_app.conf.task_routes = {"audit.*": {"queue": RUN_AUDIT_QUEUE}}
    # Photos stored by a test that sets no MEDIA_ROOT of its own (the demo's seed stores some)
    # land in this run's folder, never in the project's media/.
    settings.MEDIA_ROOT = RUN_MEDIA


RUN_QUEUE = f"test-run-{uuid.uuid4().hex[:8]}"
RUN_AUDIT_QUEUE = f"{RUN_QUEUE}-audit"
RUN_MEDIA = Path(tempfile.gettempdir()) / f"hima-test-media-{uuid.uuid4().hex[:8]}"


def pytest_unconfigure(config):
    """Drop this run's queues: nobody consumes them; and its photos."""
    shutil.rmtree(RUN_MEDIA, ignore_errors=True)
    drop_queue(RUN_QUEUE)
    drop_queue(RUN_AUDIT_QUEUE)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test begins in the default language: a request in Chinese leaves its thread's
    language active, and a test after it on the same worker must not read Chinese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@functools.cache
def _redis() -> redis.Redis:
    """One client (and its connection pool) per test process, not a connection per test."""
    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters live in Redis: each test starts with none of this run's keys."""
    yield
    client = _redis()
    # SCAN walks the whole keyspace, which other runs and the benches share: a thousand keys a
    # round trip, not Redis's default ten (a test's teardown made 160 round trips beside the
    # 1,600 rate counters a bench leaves for an hour).
    keys = list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


# Reference data that data migrations load. Transactional tests end by truncating every table,
# so it is put back before each test that uses the database (a cheap count when present).
REFERENCE_DATA = [
    ("vehicles.Brand", ["vehicles.migrations.0002_alliance_brands_and_models"]),
    (
        "outlets.ServiceType",
        [
            "outlets.migrations.0002_standard_service_catalog",
            "outlets.migrations.0005_bilingual_catalog",  # the checklists in Chinese
            "outlets.migrations.0007_workshop_capacity:crew_needs",  # skill, HV level, crew
        ],
    ),
    # After the catalog and the models it prices.
    ("pricing.ServicePrice", ["pricing.migrations.0002_seed_price_book"]),
]


def load_reference_data() -> None:
    """Put back what the data migrations loaded, if a transactional test truncated it: each
    migration's `load`, or the function named after a colon."""
    for model_label, migrations in REFERENCE_DATA:
        if not apps.get_model(model_label).objects.exists():
            for migration in migrations:
                module, _, function = migration.partition(":")
                getattr(importlib.import_module(module), function or "load")(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    if not (
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db"} & set(request.fixturenames)
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    load_reference_data()
    # Read once per process, at its first cache key: read here, so that no test's query
    # count depends on whether it ran first.
    database_namespace()
    yield


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def broker_queue():
    """A queue of this test's own on the real broker, where this process's tasks go; dropped
    afterwards (hima_service.testing.queued_messages reads it)."""
    with celery_queue() as queue:
        yield queue
        drop_queue(queue)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def other_owner(db):
    return UserFactory()


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


@pytest.fixture
def other_owner_api(other_owner):
    return client_for(other_owner)


@pytest.fixture
def alliance_admin(db):
    return AdminFactory()


@pytest.fixture
def admin_api(alliance_admin):
    return client_for(alliance_admin)
