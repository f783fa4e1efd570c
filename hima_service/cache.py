"""Django's Redis cache, degraded to a miss while Redis is unreachable.

Nothing the platform keeps in the cache is needed to answer a request: it holds throttle counters
(sign-in lockouts are counted in PostgreSQL by django-axes), anonymous availability answers and
the audit's opening views figured ahead (audit.kept), each figured again on a miss. So a stopped
or frozen Redis must cost a request at most one short socket timeout, never a 500: reads answer
the default, writes are dropped. After a failure the cache is skipped for a few seconds, so that
a frozen Redis does not make every request of the outage wait for its own timeout.

Every key also names the database (make_key, the cache's KEY_FUNCTION): checkouts, test runs and
benches on one machine share one Redis, and their ids (an account's, an outlet's) overlap.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import connection

log = logging.getLogger(__name__)

# Seconds to answer from "Redis is down" without asking it again after a failure.
SKIP_AFTER_FAILURE_SECONDS = 5.0


@functools.cache
def _database_identity(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        (oid,) = cursor.fetchone()
    return f"{name}:{oid}"


def database_namespace() -> str:
    """This database as it is now, name and OID, for the keys of what is kept of its rows:
    another checkout's or a test run's database answers differently, and a database created
    again reuses ids and versions, but not its OID. Read once per process."""
    return _database_identity(connection.settings_dict["NAME"])


def make_key(key: str, key_prefix: str, version: int) -> str:
    """The cache's KEY_FUNCTION: Django's `prefix:version:key`, with the database between
    version and key, so that no cache user has to remember it."""
    return f"{key_prefix}:{version}:{database_namespace()}:{key}"


class ResilientRedisCache(RedisCache):
    """A RedisCache whose every operation treats a Redis error as a miss."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, default: Any, operation: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except redis.RedisError as exc:
            self._down_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS
            log.warning("Cache unavailable (%s: %s); answering a miss.", type(exc).__name__, exc)
            return default

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._call(False, "add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(default, "get", key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call(None, "set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(False, "touch", key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(False, "delete", key, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call({}, "get_many", keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(False, "has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # Django's contract for a missing key is ValueError; while Redis is down every key is.
        result = self._call(None, "incr", key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def set_many(
        self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list:
        return self._call(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call(None, "delete_many", keys, version)

    def clear(self) -> bool:
        return self._call(False, "clear")
