"""The figures themselves: per outlet with the network total, and each brand against the other
brands at an outlet. Both rest on one shape of figures, so that a rate means the same in the
audit table, the dashboard and the equity test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Self

import numpy as np

from hima_service.language import localized
from outlets.models import Outlet

from .. import statements_sql
from ..samples import Samples, Values
from ..scope import AuditScope
from .statements import Period, fetch_rows, statement_params

NETWORK_TOTAL = "Network total"


# Not frozen: a frozen dataclass sets each of its 43 fields through object.__setattr__, and
# built that way Figures took five times as long (7 µs); the alliance's equity view builds
# 12,000 of them at full size. Nothing assigns to a field once built.
@dataclass(slots=True)
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
        return cls(**{name: row[name] for name in _field_names(cls)})


_FIELD_NAMES: dict[type[Figures], tuple[str, ...]] = {}


def _field_names(cls: type[Figures]) -> tuple[str, ...]:
    """A figures class's fields, listed once: an equity view builds thousands of figures."""
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return _FIELD_NAMES[cls]


@dataclass(slots=True)
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
    # Each outlet's waits (by outlet code), the started bookings' in ascending order: what the
    # wait figures are taken over, and what the dashboard's wait chart bands (audit.charts).
    waits: dict[str, Values] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """One side of an equity comparison: its figures and its raw samples (the own side's are what
    the rank tests rank, among the comparison's pool)."""

    figures: Figures
    # How many brands' bookings are pooled on this side.
    brands: int
    # In ascending order (audit.samples).
    waits: Values
    ratings: Values


@dataclass(frozen=True)
class Pool:
    """Every value of an outlet's compared sides together, in no particular order: what the rank
    tests rank a brand's own values among (audit.stats.mann_whitney_ps). One object for every
    brand compared at the outlet, so that it is ranked once."""

    waits: Values
    ratings: Values

    @classmethod
    def of(cls, sides: Sequence[Samples]) -> Pool:
        return cls(
            waits=np.concatenate([side.waits for side in sides]),
            ratings=np.concatenate([side.ratings for side in sides]),
        )


@dataclass(frozen=True)
class Comparison:
    """One brand at one outlet against all the other brands there, pooled."""

    outlet: str
    outlet_name: str
    city: str
    brand: str
    own: Side
    others: Side | None
    # The brand's own values and the others' together.
    pool: Pool
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
    params = statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now)
    return _comparisons(fetch_rows(statements_sql.EQUITY_FIGURES, _compared(params)))


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
    params = statement_params(scope=scope, period=period, outlet=outlet, city=city, now=now)
    rows = fetch_rows(statements_sql.OVERVIEW_FIGURES, _compared(params))
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
    return Side(
        figures=Figures.from_row({**row, **samples.medians()}),
        brands=row["brands"],
        waits=samples.waits,
        ratings=samples.ratings,
    )
