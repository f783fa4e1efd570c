"""Statements planned for their own values, where a prepared statement's generic plan fails.

psycopg prepares every statement a connection repeats (hima_service.databases), and after five
executions of a prepared statement PostgreSQL may settle on its generic plan, made without the
parameters' values. That is what the booking path wants: its lookups are planned once. A
statement over a range of a big table is different: how many rows its bounds take decides the
plan, and the generic plan guesses. The audit's settling step, run over and over by the beat
worker on one connection, went from 3 seconds to 155 once PostgreSQL took the generic plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction whose every statement PostgreSQL plans for its parameters' values, as if
    it were not prepared (`plan_cache_mode`, set for this transaction only).

    Inside a transaction already open, the setting lasts until that one ends (SET LOCAL is not
    undone when a savepoint is released): later statements are planned afresh too, which costs
    them planning time, never a wrong answer."""
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
