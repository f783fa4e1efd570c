"""Reachability of the two servers the platform cannot run without."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection

START_POSTGRES = (
    "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
    "(or `docker compose up -d db`), or point DATABASE_URL at a running server"
)
START_REDIS = (
    "start it with `redis-server --daemonize yes --port 6379` (or `docker compose up -d redis`), "
    "or point REDIS_URL at a running server"
)


def postgres_problem() -> str | None:
    """None when PostgreSQL answers a query, else a one-line explanation."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the server is reported, never raised
        db = settings.DATABASES["default"]
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
        return f"PostgreSQL is not reachable at {where} ({type(exc).__name__}); {START_POSTGRES}."
    return None


def redis_problem() -> str | None:
    """None when Redis answers PING, else a one-line explanation."""
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        return (
            f"Redis is not reachable at {settings.REDIS_URL} ({type(exc).__name__}); {START_REDIS}."
        )
    return None
