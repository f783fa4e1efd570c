"""Helpers for tests that need real processes: a Celery worker on the real Redis."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from hima_service.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)


def current_database_url() -> str:
    """The URL of the database this process uses now (the test database under pytest)."""
    db = connection.settings_dict
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}{'@' if auth else ''}{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def worker_env(queue: str, **extra: str) -> dict[str, str]:
    """A worker's environment: this process's database, `queue`, and this run's cache keys
    (conftest sets their prefix in process): what the worker keeps in the cache is this run's
    to read and to delete, never under the prefix `make run` reads."""
    env = {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    env.update(extra)
    return env


@contextmanager
def celery_queue() -> Iterator[str]:
    """Route this process's tasks to a fresh queue so that no other run's worker takes them."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous


def queued_messages(queue: str) -> list[dict]:
    """The task messages waiting in `queue` on the broker, oldest first, as kombu's Redis
    transport stores them (one JSON document each: headers, properties, body), left there."""
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    # The transport pushes on the left and workers pop on the right.
    return [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]


def drop_queue(queue: str) -> None:
    """Delete `queue` from the broker: its lists (kombu's Redis transport keeps one per
    priority, named after the queue) and its bindings. Best effort, for a teardown. kombu's own
    `queue_delete` deletes only a queue this process declared, and a kick declares none."""
    try:
        client = redis.Redis.from_url(celery_app.conf.broker_url)
        keys = [
            *client.scan_iter(f"{queue}*"),
            f"_kombu.binding.{queue}",
            f"_kombu.binding_permanent.{queue}",
        ]
        client.delete(*keys)
    except redis.RedisError:
        pass


def prepared_statements(containing: str) -> int:
    """How many statements this connection has prepared whose text contains `containing`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, %s) > 0",
            [containing],
        )
        return cursor.fetchone()[0]


def start_worker(
    queue: str, *, concurrency: int = 2, log_path: Path | None = None, **env: str
) -> subprocess.Popen:
    """Start a real `celery worker` process consuming `queue` against the current database."""
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hima_service",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=BASE_DIR,
        env=worker_env(queue, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen, *, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_worker(*, concurrency: int = 2, **env: str) -> Iterator[str]:
    """A real worker on a fresh queue for the duration of the block; yields the queue name."""
    with celery_queue() as queue:
        process = start_worker(queue, concurrency=concurrency, **env)
        try:
            yield queue
        finally:
            stop_worker(process)


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.2) -> bool:
    """Poll `predicate` until it is truthy or `timeout` seconds pass; return its last verdict."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return bool(predicate())
        time.sleep(interval)


# Ports this project's tests may give a private redis-server (the shared one is 6379).
PRIVATE_REDIS_PORTS = range(6391, 6400)


def _free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"No free port for a private redis-server in {ports}.")


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A throw-away redis-server (no persistence) on a free port; stopped, if still up, on exit."""
    port = _free_port(PRIVATE_REDIS_PORTS)
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    server = PrivateRedis(process=process, url=f"redis://127.0.0.1:{port}/0")
    try:
        if not wait_until(server.answers, timeout=10, interval=0.05):
            raise RuntimeError(f"redis-server did not start on port {port}.")
        yield server
    finally:
        server.stop()


@dataclass
class PrivateRedis:
    process: subprocess.Popen
    url: str

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Stop the server and wait until it no longer accepts connections: Redis is down."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
