"""The dashboard's charts: waits per outlet in bands, from the outlet audit's own waits, and the
weekly on-time rate, one statement of `audit.chart_sql` on the same rows and conditions as the
outlet figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from hima_service.language import localized
from outlets.models import Outlet

from . import chart_sql
from .scope import AuditScope
from .selectors import OutletAudit, Period, fetch_rows, statement_params
from .sql import ON_TIME_MINUTES

# The wait chart's band edges in minutes (≤ 0: started early or on the minute; ≤ 15: on time):
# the on-time edge is the on-time rule's, so the chart and the rate agree.
WAIT_BUCKET_EDGES: tuple[int, ...] = (0, ON_TIME_MINUTES, 30, 60)


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


def wait_distribution(audit: OutletAudit) -> list[WaitDistribution]:
    """Per outlet of an outlet audit, in its order, the waits its median and p90 were taken
    over, banded by WAIT_BUCKET_EDGES: a wait falls in the first band whose edge it does not
    exceed, else in the last. Outlets without a started booking are absent. No query: the audit
    brought the waits."""
    edges = np.asarray(WAIT_BUCKET_EDGES, dtype=float)
    distribution = []
    for row in audit.rows:
        waits = audit.waits.get(row.outlet or "")
        if waits is None or not len(waits):
            continue
        bands = np.bincount(np.searchsorted(edges, waits), minlength=len(edges) + 1)
        distribution.append(
            WaitDistribution(
                outlet=row.outlet or "",
                outlet_name=row.outlet_name,
                outlet_name_zh=row.outlet_name_zh,
                started=len(waits),
                edges=WAIT_BUCKET_EDGES,
                counts=[int(count) for count in bands],
            )
        )
    return distribution


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
