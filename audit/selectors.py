"""Reads of the audit: each function runs one statement of `audit.sql` (a constant number of
queries however many outlets and bookings) and returns plain dataclasses for the serializers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, Self, overload

from django.db import connections
from django.utils import timezone
from psycopg import sql as psql

from hima_service.routers import audit_database
from outlets.models import Outlet, localized
from outlets.selectors import outlet_by_code

from . import sql
from .scope import AuditScope

NETWORK_TOTAL = "Network total"


@dataclass(frozen=True)
class Period:
    """Local dates, both included, read in each outlet's own zone."""

    date_from: dt.date
    date_to: dt.date


@dataclass(frozen=True)
class Figures:
    """One group's figures: the counts behind every rate, then the figures themselves."""

    bookings: int
    completed: int
    cancelled: int
    no_show: int
    due: int
    started: int
    on_time: int
    timed: int
    rated: int
    recall_done: int
    checklist_items: int
    checklist_items_done: int
    completion_rate: float | None
    cancellation_rate: float | None
    no_show_rate: float | None
    wait_median_minutes: float | None
    wait_p90_minutes: float | None
    on_time_rate: float | None
    labour_ratio_median: float | None
    checklist_completion_rate: float | None
    rating_mean: float | None
    response_rate: float | None
    # Extra work and charges (docs/audit.md, "Extra work and the standard price"): the counts,
    # then the figures. Money in `currency`, None over outlets of several currencies.
    visits: int
    extra_offered: int
    extra_lines_sent: int
    extra_lines_decided: int
    extra_lines_approved: int
    extra_value_approved: float | None
    currency: str | None
    priced: int
    off_standard: int
    charged_total: float
    standard_total: float
    extra_offers_per_visit: float | None
    extra_offered_rate: float | None
    extra_acceptance_rate: float | None
    extra_approval_median_minutes: float | None
    extra_value_per_visit: float | None
    charged_to_standard_ratio: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class OutletFigures(Figures):
    """An outlet's row: where, then its figures. `outlet` is None on the network total."""

    outlet: str | None
    outlet_name: str
    outlet_name_zh: str
    city: str
    city_zh: str
    time_zone: str

    @property
    def display_outlet_name(self) -> str:
        return localized(self.outlet_name, self.outlet_name_zh)

    @property
    def display_city(self) -> str:
        return localized(self.city, self.city_zh)


@dataclass(frozen=True)
class OutletAudit:
    rows: list[OutletFigures]
    total: OutletFigures


@dataclass(frozen=True)
class Side:
    """One side of an equity comparison: its figures and its raw samples for the rank tests."""

    figures: Figures
    # How many brands' bookings are pooled on this side.
    brands: int
    waits: list[float]
    ratings: list[int]


@dataclass(frozen=True)
class Comparison:
    """One brand at one outlet against all the other brands there, pooled."""

    outlet: str
    outlet_name: str
    city: str
    brand: str
    own: Side
    others: Side | None
    # The names a sentence about the comparison uses, in both languages.
    outlet_name_zh: str = ""
    city_zh: str = ""
    brand_name: str = ""
    brand_name_zh: str = ""

    @property
    def display_outlet_name(self) -> str:
        return localized(self.outlet_name, self.outlet_name_zh)

    @property
    def display_brand_name(self) -> str:
        return localized(self.brand_name or self.brand, self.brand_name_zh)


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
    with connections[audit_database()].cursor() as cursor:
        cursor.execute(statement, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def outlet_audit(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> OutletAudit:
    """Per outlet and for the whole network: the brand's figures (every brand's when the scope
    has none) over the bookings scheduled on those local dates. One query."""
    rows = fetch_rows(
        sql.OUTLET_FIGURES,
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now),
    )
    for row in rows:
        if row["is_total"]:
            row.update(
                outlet=None,
                outlet_name=NETWORK_TOTAL,
                outlet_name_zh="",
                city="",
                city_zh="",
                time_zone="",
            )
    result = [OutletFigures.from_row(row) for row in rows]
    # GROUPING SETS always yields the total, last (ORDER BY is_total).
    return OutletAudit(rows=result[:-1], total=result[-1])


def equity_comparisons(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> list[Comparison]:
    """Each brand (the scope's only, when it has one) at each outlet against the other brands
    there pooled. One query; the other brands' own figures are never computed for a scope
    with a brand."""
    params = statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now)
    # Every brand's bookings are needed for "the others"; the comparison is narrowed instead.
    params["compared_brand_id"] = params.pop("brand_id")
    params["brand_id"] = None
    sides: dict[tuple[str, str], dict[bool, dict[str, Any]]] = {}
    for row in fetch_rows(sql.EQUITY_FIGURES, params):
        sides.setdefault((row["outlet"], row["brand"]), {})[row["own"]] = row
    comparisons = []
    for (outlet_code, brand_code), pair in sides.items():
        own = pair[True]  # a compared brand has bookings at the outlet by construction
        comparisons.append(
            Comparison(
                outlet=outlet_code,
                outlet_name=own["outlet_name"],
                city=own["city"],
                brand=brand_code,
                own=_side(own),
                others=_side(pair[False]) if False in pair else None,
                outlet_name_zh=own["outlet_name_zh"],
                city_zh=own["city_zh"],
                brand_name=own["brand_name"],
                brand_name_zh=own["brand_name_zh"],
            )
        )
    return comparisons


def _side(row: dict[str, Any]) -> Side:
    return Side(
        figures=Figures.from_row(row),
        brands=row["brands"],
        waits=[float(w) for w in row["waits"]],
        ratings=[int(r) for r in row["ratings"]],
    )


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
        sql.booking_rows_sql(metric),
        statement_params(scope=scope, period=period, outlet=outlet, city=None, now=now),
    )
