"""The shapes of the audit's figures: one group's figures, an outlet's row, the outlet audit,
and an equity comparison with its sides and its pool. Plain dataclasses the serializers, the
dashboard and the equity tests read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Self

import numpy as np

from hima_service.language import localized

from ..samples import Samples, Values


# Not frozen: a frozen dataclass sets each of its fields through object.__setattr__, several
# times slower to build, and the alliance's equity view builds one per side of every outlet and
# brand (docs/performance.md). Nothing assigns to a field once built.
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
    # The samples (audit.sql.POOLED_SAMPLES) that are not one brand's alone: at least two
    # brands contribute to each, or none.
    pooled: frozenset[str] = frozenset()


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
