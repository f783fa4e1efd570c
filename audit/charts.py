"""Reads for the dashboard's charts: waits per outlet in bands and the weekly on-time rate, each
one statement of `audit.chart_sql` on the same rows and conditions as the outlet figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hima_service.language import localized
from outlets.models import Outlet

from . import chart_sql
from .scope import AuditScope
from .selectors import Period, fetch_rows, statement_params


@dataclass(frozen=True)
class WaitDistribution:
    """One outlet's started bookings by wait: `counts[i]` waited at most `edges[i]` minutes
    (and more than the edge before); the last count waited longer than the last edge."""

    outlet: str
    outlet_name: str
    outlet_name_zh: str
    started: int
    edges: tuple[int, ...]
    counts: list[int]

    @property
    def display_outlet_name(self) -> str:
        return localized(self.outlet_name, self.outlet_name_zh)


def wait_distribution(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> list[WaitDistribution]:
    """Per outlet, the waits the median and p90 are taken from, bucketed. One query."""
    rows = fetch_rows(
        chart_sql.WAIT_DISTRIBUTION,
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now),
    )
    return [
        WaitDistribution(
            outlet=row["outlet"],
            outlet_name=row["outlet_name"],
            outlet_name_zh=row["outlet_name_zh"],
            started=row["started"],
            edges=chart_sql.WAIT_BUCKET_EDGES,
            counts=list(row["counts"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class WeekOnTime:
    """One week (from its Monday, on the outlets' own calendars) of the on-time start rate."""

    week: dt.date
    started: int
    on_time: int
    on_time_rate: float | None


def weekly_on_time(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> list[WeekOnTime]:
    """The on-time start rate week by week over every outlet in scope at once. One query; a
    week without a booking in scope is absent. The first and last weeks may be partial: the
    period's dates bound them."""
    rows = fetch_rows(
        chart_sql.WEEKLY_ON_TIME,
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now),
    )
    return [WeekOnTime(**row) for row in rows]
