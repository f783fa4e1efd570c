"""The outlet's share lock with what a booking write reads under it: the opening hours, the
services it offers for the brand and, for an owner's own create, the owner's row lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from accounts.models import User
from outlets.models import OpeningHours, Outlet
from outlets.selectors import OFFERS_COLUMNS, offers_params


@dataclass(frozen=True)
class OutletServing:
    """What a booking write reads with the outlet's share lock: the weekly opening hours
    (weekday, opens, closes), and outlets.selectors.outlet_offers' answer for its services
    and brand."""

    hours: list[tuple[int, dt.time, dt.time]]
    offered: set[int]
    authorized: bool


def _serving(owner_join: sql.Composable, owner_lock: sql.Composable) -> str:
    return (
        sql.SQL(
            "SELECT h.weekday, h.opens, h.closes, {offers} FROM {outlets} o {owner_join}"
            "LEFT JOIN {hours} h ON h.outlet_id = o.id "
            "WHERE o.id = %(outlet)s FOR SHARE OF o{owner_lock}"
        )
        .format(
            offers=OFFERS_COLUMNS,
            outlets=sql.Identifier(Outlet._meta.db_table),
            hours=sql.Identifier(OpeningHours._meta.db_table),
            owner_join=owner_join,
            owner_lock=owner_lock,
        )
        .as_string()
    )


_SERVING = _serving(sql.SQL(""), sql.SQL(""))
_SERVING_WITH_OWNER = _serving(
    sql.SQL("JOIN {} u ON u.id = %(owner)s ").format(sql.Identifier(User._meta.db_table)),
    sql.SQL(" FOR NO KEY UPDATE OF u"),
)


def share_lock_outlet_serving(
    outlet_id: int,
    *,
    service_ids: Sequence[int],
    brand_id: int | None,
    lock_owner_id: int | None = None,
) -> OutletServing:
    """share_lock_outlet, returning in the same round trip the outlet's opening hours and
    which of the services it offers for the brand. These come from the statement's snapshot,
    taken before any wait for the lock: as fresh as reading them just before locking, as the
    engine always did; what the lock protects is the closure read after it.

    With `lock_owner_id`, the same statement also locks that user's row FOR NO KEY UPDATE (an
    owner's own create, bookings.lifecycle.caps): the owner's creates then run one after the
    other, and the bay statement after this one counts their upcoming bookings with a snapshot
    that sees every create that held the row before (a count in this statement would not: its
    snapshot is taken before the wait). NO KEY UPDATE, not UPDATE: rows that only reference
    the user (a token, a notification) are not held up. The outlet is locked before the owner
    (the order of the locking clauses), so a night create holding the outlet FOR UPDATE
    (lock_outlet_nights) is waited for without holding the owner row."""
    params = offers_params(outlet_id=outlet_id, service_ids=service_ids, brand_id=brand_id)
    statement = _SERVING
    if lock_owner_id is not None:
        statement = _SERVING_WITH_OWNER
        params["owner"] = lock_owner_id
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    if not found:  # deleted meanwhile: it offers nothing
        return OutletServing(hours=[], offered=set(), authorized=False)
    return OutletServing(
        hours=[
            (weekday, opens, closes) for weekday, opens, closes, *_ in found if weekday is not None
        ],
        offered=set(found[0][3]),
        authorized=bool(found[0][4]),
    )
