"""The database connections, from the environment (settings.DATABASES): the primary, and a
streaming replica when REPLICA_DATABASE_URL is set."""

from __future__ import annotations

from typing import Any

import environ

# psycopg's own default: a statement is prepared once a connection has run it this often.
PREPARE_THRESHOLD = 5


def databases(env: environ.Env) -> dict[str, dict[str, Any]]:
    """DATABASES: "default", and "replica" when its URL is set. Each URL's own options (sslmode,
    say) are kept; both connect the same way."""
    binding = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
    connection = {
        "connect_timeout": 5,
        # Server-side binding (Django's documented option for psycopg 3) and prepared
        # statements: psycopg prepares a statement once a connection has run it
        # PREPARE_THRESHOLD times (Django turns preparing off unless OPTIONS set it), and
        # PostgreSQL stops parsing and planning it anew. Every request repeats the same few
        # lookups (the token, the car, its bookings, the versions). A transaction-pooling
        # PgBouncer in front needs 1.21 or newer with max_prepared_statements set, or
        # DATABASE_SERVER_SIDE_BINDING=0, which turns both off. Long statements over ranges
        # of big tables run unprepared (hima_service.plans): their generic plan can be ruinous.
        "server_side_binding": binding,
        "prepare_threshold": PREPARE_THRESHOLD if binding else None,
        # No JIT: the statements of the booking path never cost enough for it, and the audit's
        # (one statement over a quarter's bookings, misestimated) spent 3 of their 6 seconds
        # compiling.
        "options": "-c jit=off",
    }
    # The one database; the booking guarantee lives in it. Persistent connections with a
    # health check before reuse: cheap requests, no stale sockets.
    default = env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/hima")
    default["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    default["CONN_HEALTH_CHECKS"] = True
    default["OPTIONS"] = {**default.get("OPTIONS", {}), **connection}
    default["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
    found = {"default": default}
    # A streaming replica of it: the audit reads there, nothing else does
    # (hima_service.routers); neither written to nor migrated. Tests see it as the default's
    # mirror.
    if env.str("REPLICA_DATABASE_URL", default=""):
        replica = env.db_url("REPLICA_DATABASE_URL")
        replica["CONN_MAX_AGE"] = default["CONN_MAX_AGE"]
        replica["CONN_HEALTH_CHECKS"] = True
        replica["OPTIONS"] = {**replica.get("OPTIONS", {}), **connection}
        replica["TEST"] = {"MIRROR": "default"}
        found["replica"] = replica
    return found
