"""A version token per outlet, changed whenever what the outlet can offer changes: a booking
written at it (bookings calls `outlets_changed_on_commit`), its hours, closures or bays edited
(outlets.services and the admin do). Answers computed from an outlet's calendar are cached with
the tokens they were computed under and are stale as soon as one differs.

Tokens live in the cache (Redis), under the database's identity: checkouts and test runs on one
machine share Redis, and a recreated database reuses outlet ids. Best effort like every cache
use: while Redis is down nothing is cached, so nothing can be stale except for what was cached
just before an outage, which expires on its own (settings.AVAILABILITY_CACHE_SECONDS).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction

# A token older than this is forgotten; an outlet without one reads as "0", and the cached
# answers, which expire within a minute, can never outlive it.
TOKEN_SECONDS = 7 * 24 * 3600


@functools.cache
def _database_identity(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        (oid,) = cursor.fetchone()
    return f"{name}:{oid}"


def namespace() -> str:
    """This database, as it is now: its name and its OID, which a recreated one does not keep."""
    return _database_identity(connection.settings_dict["NAME"])


def _key(outlet_id: int) -> str:
    return f"outlet-version:{namespace()}:{outlet_id}"


def outlet_versions(outlet_ids: Iterable[int]) -> dict[int, str]:
    """The current token of each outlet, in one cache round trip."""
    keys = {outlet_id: _key(outlet_id) for outlet_id in outlet_ids}
    found = cache.get_many(list(keys.values()))
    return {outlet_id: found.get(key, "0") for outlet_id, key in keys.items()}


def outlets_changed(outlet_ids: Iterable[int]) -> None:
    """Give each outlet a new token (one round trip): every answer cached for it is stale."""
    tokens = {_key(outlet_id): uuid.uuid4().hex for outlet_id in set(outlet_ids)}
    if tokens:
        cache.set_many(tokens, timeout=TOKEN_SECONDS)


def outlets_changed_on_commit(outlet_ids: Iterable[int]) -> None:
    """Change the tokens once the caller's transaction commits (nothing if it rolls back).

    After the commit, not before: a reader reads the token first and then the calendar, so an
    answer from before this commit is always stored under the old token."""
    ids = sorted(set(outlet_ids))
    transaction.on_commit(functools.partial(outlets_changed, ids))
