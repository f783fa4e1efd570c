"""Statements planned for their own values, where a prepared statement's generic plan fails.

psycopg prepares every statement a connection repeats (hima_service.databases), and after five
executions of a prepared statement PostgreSQL may settle on its generic plan, made without the
parameters' values. That is what the booking path wants: its lookups are planned once. A
statement over a range of a big table is different: how many rows its bounds take decides the
plan, and the generic plan guesses. At the alliance's size, on one connection, the audit's
settling step went from 3 seconds to 155 once PostgreSQL took the generic plan, and a brand
admin's quarter from 1.5 seconds to about 3 minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def unprepared(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's statements unprepared, so that PostgreSQL plans each one for its own
    values: psycopg's `prepare_threshold` (a documented attribute of its connection) is None
    for the block, then what it was. No statement of its own, so the block's query count is
    unchanged."""
    wrapper = connections[using]
    wrapper.ensure_connection()
    driver = wrapper.connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold
