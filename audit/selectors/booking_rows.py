"""The bookings behind a figure, a page at a time: the paginator asks for a count and a slice,
and each is one statement however long the list, so that a figure can always be checked against
the bookings it counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from psycopg import sql as psql

from outlets.models import Outlet

from .. import statements_sql
from ..scope import AuditScope
from .statements import Period, fetch_rows, statement_params


@dataclass(frozen=True)
class AuditBooking:
    """One booking behind a figure, with the values the figures used for it."""

    reference: str
    status: str
    channel: str
    brand: str
    model: str
    start: dt.datetime
    started_at: dt.datetime | None
    wait_minutes: float | None
    actual_labour_minutes: int | None
    standard_minutes: int | None
    checklist_items: int | None
    checklist_items_done: int | None
    rating: int | None
    recall: bool
    extra_lines_sent: int = 0
    extra_lines_approved: int = 0
    extra_value_approved: float = 0.0
    charged: float | None = None
    standard: float | None = None


COUNT_SQL = psql.SQL("SELECT count(*) FROM ({}) AS behind")
PAGE_SQL = psql.SQL("{} LIMIT %(limit)s OFFSET %(offset)s")


class BookingRows:
    """The bookings behind a figure as the paginator needs them: a count and a slice, each one
    query, whatever the page."""

    def __init__(self, statement: psql.Composable, params: dict[str, Any]):
        self._statement = statement
        self._params = params
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            rows = fetch_rows(COUNT_SQL.format(self._statement), self._params)
            self._count = rows[0]["count"]
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> AuditBooking: ...
    @overload
    def __getitem__(self, index: slice) -> list[AuditBooking]: ...
    def __getitem__(self, index: int | slice) -> AuditBooking | list[AuditBooking]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(self.count())
        if step != 1:
            raise ValueError("Only contiguous slices.")
        rows = fetch_rows(
            PAGE_SQL.format(self._statement),
            {**self._params, "limit": max(stop - start, 0), "offset": start},
        )
        return [_audit_booking(row) for row in rows]

    def __iter__(self) -> Iterator[AuditBooking]:
        return iter(self[0 : self.count()])


def _audit_booking(row: dict[str, Any]) -> AuditBooking:
    return AuditBooking(
        reference=row["reference"],
        status=row["status"],
        channel=row["channel"],
        brand=row["brand"],
        model=row["model"],
        start=row["start"],
        started_at=row["started_at"],
        wait_minutes=row["wait_minutes"],
        actual_labour_minutes=row["actual_labour_minutes"],
        standard_minutes=row["standard_minutes"],
        checklist_items=row["checklist_items"],
        checklist_items_done=row["checklist_items_done"],
        rating=row["rating"],
        recall=row["has_recall"],
        extra_lines_sent=row["extra_lines_sent"],
        extra_lines_approved=row["extra_lines_approved"],
        extra_value_approved=float(row["extra_value_approved"]),
        charged=None if row["charged"] is None else float(row["charged"]),
        standard=None if row["standard"] is None else float(row["standard"]),
    )


def audit_bookings(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet,
    metric: str,
    now: dt.datetime | None = None,
) -> BookingRows:
    """The bookings at one outlet that one figure counts (`metric`, a key of sql.METRICS), in
    the order of their start."""
    return BookingRows(
        statements_sql.booking_rows_sql(metric),
        statement_params(scope=scope, period=period, outlet=outlet, city=None, now=now),
    )
