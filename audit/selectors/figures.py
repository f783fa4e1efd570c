"""The figures themselves: per outlet with the network total, and each brand against the other
brands at an outlet, read in one statement each and shaped as `shapes` describes. Both rest on
one shape of figures, so that a rate means the same in the audit table, the dashboard and the
equity test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from outlets.models import Outlet

from .. import statements_sql
from ..samples import Samples
from ..scope import AuditScope
from ..sql import POOLED_SAMPLES
from .shapes import Comparison, Figures, OutletAudit, OutletFigures, Pool, Side
from .statements import Period, fetch_rows, statement_params

NETWORK_TOTAL = "Network total"


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
        statements_sql.OUTLET_FIGURES,
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now),
    )
    return _outlet_audit(rows)


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
    params = _compared(
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now)
    )
    every_brand = params["compared_brand_id"] is None
    statement = (
        statements_sql.EVERY_BRAND_EQUITY_FIGURES if every_brand else statements_sql.EQUITY_FIGURES
    )
    return _comparisons(fetch_rows(statement, params))


def overview_figures(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[OutletAudit, list[Comparison]]:
    """outlet_audit and equity_comparisons together, as the dashboard's overview shows both:
    one query, which reads the period's bookings once for both."""
    params = _compared(
        statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now)
    )
    every_brand = params["compared_brand_id"] is None
    statement = (
        statements_sql.EVERY_BRAND_OVERVIEW_FIGURES
        if every_brand
        else statements_sql.OVERVIEW_FIGURES
    )
    rows = fetch_rows(statement, params)
    return (
        _outlet_audit([row for row in rows if row["kind"] == "outlet"]),
        _comparisons([row for row in rows if row["kind"] == "equity"]),
    )


def _compared(params: dict[str, Any]) -> dict[str, Any]:
    """A statement's parameters (statement_params) for the equity comparison: every brand's
    bookings are needed for "the others", so the scope's brand narrows the comparison instead."""
    params["compared_brand_id"] = params.pop("brand_id")
    params["brand_id"] = None
    return params


def _outlet_audit(rows: list[dict[str, Any]]) -> OutletAudit:
    """The outlet figures' rows (audit.statements_sql), the network total's last, as figures."""
    # The medians over each outlet's values, and the network's over all of them.
    samples = [None if row["is_total"] else Samples.for_medians(row) for row in rows]
    network = Samples.pooled([found for found in samples if found is not None])
    for row, found in zip(rows, samples, strict=True):
        row.update((network if found is None else found).medians())
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
    waits = {
        row["outlet"]: found.waits
        for row, found in zip(rows, samples, strict=True)
        if found is not None
    }
    # GROUPING SETS always yields the total, last (ORDER BY is_total).
    return OutletAudit(rows=result[:-1], total=result[-1], waits=waits)


def _comparisons(rows: list[dict[str, Any]]) -> list[Comparison]:
    """The equity sides' rows (audit.statements_sql), own before others, as comparisons."""
    # Each brand's own row and values per outlet: the alliance's "others" sides pool the values.
    own_rows = {(row["outlet"], row["brand"]): row for row in rows if row["own"]}
    own_samples: dict[str, dict[str, Samples]] = {}
    for (outlet_code, brand_code), row in own_rows.items():
        own_samples.setdefault(outlet_code, {})[brand_code] = Samples.from_row(row)
    sides: dict[tuple[str, str], dict[bool, Side]] = {}
    # The values the statement sent, per outlet: every compared brand's own, and the others'
    # where it pooled them (a brand admin's view); together, the outlet's pool.
    sent: dict[str, list[Samples]] = {}
    for row in rows:
        samples = _samples(row, own_samples[row["outlet"]])
        sides.setdefault((row["outlet"], row["brand"]), {})[row["own"]] = _side(row, samples)
        if row["own"] or row["waits"] is not None:
            sent.setdefault(row["outlet"], []).append(samples)
    pools = {outlet_code: Pool.of(samples) for outlet_code, samples in sent.items()}
    comparisons = []
    for (outlet_code, brand_code), pair in sides.items():
        own = own_rows[(outlet_code, brand_code)]  # a compared brand has bookings at the outlet
        comparisons.append(
            Comparison(
                outlet=outlet_code,
                outlet_name=own["outlet_name"],
                city=own["city"],
                brand=brand_code,
                own=pair[True],
                others=pair.get(False),
                pool=pools[outlet_code],
                outlet_name_zh=own["outlet_name_zh"],
                city_zh=own["city_zh"],
                brand_name=own["brand_name"],
                brand_name_zh=own["brand_name_zh"],
            )
        )
    return comparisons


def _samples(row: dict[str, Any], at_outlet: dict[str, Samples]) -> Samples:
    """A side's values: its brand's own; the others' as the statement pooled them (a brand
    admin's view); or, where it sent none (the alliance's), the other brands' own pooled here."""
    if row["own"]:
        return at_outlet[row["brand"]]
    if row["waits"] is not None:
        return Samples.from_row(row)
    return Samples.pooled(
        [samples for brand, samples in at_outlet.items() if brand != row["brand"]]
    )


def _side(row: dict[str, Any], samples: Samples) -> Side:
    pooled = (
        frozenset()
        if row["own"]
        else frozenset(
            sample for sample, several in zip(POOLED_SAMPLES, row["pooled"], strict=True) if several
        )
    )
    return Side(
        figures=Figures.from_row({**row, **samples.medians()}),
        brands=row["brands"],
        waits=samples.waits,
        ratings=samples.ratings,
        pooled=pooled,
    )
