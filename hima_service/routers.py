"""Where the audit reads: the replica when one is configured, only for the audit's own reads.

The audit's statements scan a quarter of bookings over the whole network; on a streaming replica
they leave the primary to the booking path. Only reads made inside `audit_reads()` move: every
write, every booking and availability read, and everything outside that block stays on the
primary, which alone decides a booking. The replica lags by the time it takes to replay the
primary's log, so an audit may not yet count a booking committed a moment ago.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

# A context variable, not a thread-local: each request's thread or task sees only its own block.
_in_audit_reads: ContextVar[bool] = ContextVar("in_audit_reads", default=False)


def audit_database() -> str:
    """The alias the audit reads from: settings.AUDIT_DATABASE ("replica" exactly when
    REPLICA_DATABASE_URL configures one), the primary when that names no configured alias."""
    alias = settings.AUDIT_DATABASE
    return alias if alias in settings.DATABASES else DEFAULT_DB_ALIAS


@contextmanager
def audit_reads() -> Iterator[None]:
    """Inside, the ORM's reads go to the audit's database (AuditReplicaRouter). Also a decorator:
    the audit's views run their body in it, after authentication has read the primary (a token
    or session issued a moment ago may not have reached the replica)."""
    token = _in_audit_reads.set(True)
    try:
        yield
    finally:
        _in_audit_reads.reset(token)


class AuditReplicaRouter:
    """Reads inside `audit_reads()` to the audit's database; everything else to the primary.
    The replica is a streaming copy of the primary: never written to, never migrated."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return audit_database() if _in_audit_reads.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # An object read from the replica is saved to the primary, as every write is.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
