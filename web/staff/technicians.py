"""The technicians of an outlet as its pages show them: each certificate with its state (valid,
lapsing within the warning window, lapsed), the week's shifts at this outlet by weekday and the
absences not yet over. Built from crews.selectors' prefetched list: no query per technician."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crews.models import Absence, HvLevel, Technician
from crews.selectors import LAPSE_WARNING_DAYS, lapsing_of
from outlets.models import Capability

from .forms import WEEKDAY_LABELS

VALID, LAPSING, LAPSED = "valid", "lapsing", "lapsed"


@dataclass(frozen=True)
class Certificate:
    """The high-voltage certificate (`brand` None) or one brand authorization."""

    valid_until: dt.date
    state: str
    days_left: int
    brand: Any = None

    @property
    def warns(self) -> bool:
        return self.state in (LAPSING, LAPSED)


@dataclass
class TechnicianRow:
    technician: Technician
    skills: list[str]
    hv_label: str
    hv: Certificate | None
    brands: list[Certificate]
    shifts: list[tuple[Any, str]]
    absences: list[Absence] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.technician.user.display_name

    @property
    def warnings(self) -> list[Certificate]:
        """What the manager must renew: lapsing or lapsed, for a technician still at work."""
        if not self.technician.is_active:
            return []
        return [c for c in [self.hv, *self.brands] if c is not None and c.warns]


def _certificate(
    valid_until: dt.date, *, today: dt.date, lapsing: bool, brand: Any = None
) -> Certificate:
    # A certificate counts up to and including its valid-until day (Technician.hv_level_on).
    state = LAPSED if valid_until < today else LAPSING if lapsing else VALID
    return Certificate(
        valid_until=valid_until, state=state, days_left=(valid_until - today).days, brand=brand
    )


def _shift_lines(technician: Technician) -> list[tuple[Any, str]]:
    by_day: dict[int, list[str]] = {}
    for shift in technician.outlet_shifts:
        by_day.setdefault(shift.weekday, []).append(f"{shift.starts:%H:%M}–{shift.ends:%H:%M}")
    return [(WEEKDAY_LABELS[day], ", ".join(spans)) for day, spans in sorted(by_day.items())]


def technician_row(technician: Technician, *, today: dt.date) -> TechnicianRow:
    """One technician loaded by crews.selectors.technician_list/technician_get."""
    # The window's rule is the selector's (the same one the audit and the API apply).
    lapsing = lapsing_of(technician, today=today, within_days=LAPSE_WARNING_DAYS)
    lapsing_brands = {a.brand_id for a in lapsing.authorizations} if lapsing else set()
    hv = None
    if technician.hv_level > HvLevel.NONE and technician.hv_valid_until is not None:
        hv = _certificate(
            technician.hv_valid_until,
            today=today,
            lapsing=lapsing is not None and lapsing.hv_valid_until is not None,
        )
    brands = [
        _certificate(
            a.valid_until, today=today, lapsing=a.brand_id in lapsing_brands, brand=a.brand
        )
        for a in technician.authorizations.all()
    ]
    return TechnicianRow(
        technician=technician,
        skills=[Capability(skill).label for skill in technician.skills],
        hv_label=str(HvLevel(technician.hv_level).label),
        hv=hv,
        brands=brands,
        shifts=_shift_lines(technician),
        absences=absences_ahead(technician, today=today),
    )


def absences_ahead(technician: Technician, *, today: dt.date) -> list[Absence]:
    """Absences not over yet, soonest first (past ones stay on record, off the page)."""
    ahead = [a for a in technician.absences.all() if a.last_day >= today]
    return sorted(ahead, key=lambda a: (a.first_day, a.pk))
