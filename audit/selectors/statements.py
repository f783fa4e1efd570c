"""What every audit read stands on: the period it covers, the outlet it may be narrowed to, the
parameters its statement takes and the database it runs on. Kept in one place so that the
figures, the charts and the bookings behind them are read over the same dates, scope and
connection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.utils import timezone
from psycopg import sql as psql

from hima_service.plans import unprepared
from hima_service.routers import audit_database
from outlets.models import Outlet
from outlets.selectors import outlet_by_code

from ..scope import AuditScope


@dataclass(frozen=True)
class Period:
    """Local dates, both included, read in each outlet's own zone."""

    date_from: dt.date
    date_to: dt.date


def audit_outlet(*, code: str) -> Outlet | None:
    """Any outlet by code, closed ones too: their history is still audited."""
    return outlet_by_code(Outlet.objects.all(), code=code)


def statement_params(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None,
    city: str | None,
    now: dt.datetime | None,
) -> dict[str, Any]:
    return {
        "date_from": period.date_from,
        "date_to": period.date_to,
        "now": now or timezone.now(),
        "outlet_id": outlet.pk if outlet else None,
        "city": city or None,
        "brand_id": scope.brand.pk if scope.brand else None,
    }


def fetch_rows(statement: psql.Composable, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The audit's statements run on its database (the replica when there is one), from
    wherever they are called: they are the audit's reads and nothing else's."""
    alias = audit_database()
    # Planned for this request's own period and scope: after a few quarters on one connection,
    # the prepared statement's generic plan took minutes (hima_service.plans).
    with unprepared(alias), connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
