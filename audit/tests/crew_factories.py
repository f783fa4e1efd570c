"""Technicians for crews-audit tests, described the way the audit reads them: where they work
and when, what they may do, until when. Simple helpers over the crews models."""

from __future__ import annotations

import datetime as dt
import itertools

from accounts.tests.factories import UserFactory
from crews.models import Absence, BrandAuthorization, Shift, Technician
from outlets.models import Outlet, ServiceType
from outlets.tests.factories import ServiceTypeFactory
from vehicles.tests.factories import brand

_names = itertools.count(1)
FAR = dt.date(2030, 12, 31)
DAY_SHIFT = (dt.time(9), dt.time(18))


def technician(
    *outlets: Outlet,
    name: str | None = None,
    skills: tuple[str, ...] = ("general",),
    hv: int = 0,
    hv_until: dt.date | None = None,
    brands: dict[str, dt.date] | None = None,
    shift: tuple[dt.time, dt.time] = DAY_SHIFT,
    weekdays: range = range(7),
    away: list[tuple[dt.date, dt.date]] = (),
    is_active: bool = True,
) -> Technician:
    """A technician on `shift` every one of `weekdays` at each outlet, authorized for `brands`
    ({code: valid until}; default AITO until far ahead)."""
    n = next(_names)
    user = UserFactory(first_name=name or f"Tech{n}", last_name="")
    tech = Technician.objects.create(
        user=user,
        skills=list(skills),
        hv_level=hv,
        hv_valid_until=hv_until if hv else None,
        is_active=is_active,
    )
    for code, until in (brands if brands is not None else {"AITO": FAR}).items():
        BrandAuthorization.objects.create(technician=tech, brand=brand(code), valid_until=until)
    Shift.objects.bulk_create(
        Shift(technician=tech, outlet=outlet, weekday=day, starts=shift[0], ends=shift[1])
        for outlet in outlets
        for day in weekdays
    )
    Absence.objects.bulk_create(
        Absence(technician=tech, first_day=first, last_day=last, reason="Leave")
        for first, last in away
    )
    return tech


def general_service(code: str = "crew-general", minutes: int = 60) -> ServiceType:
    return ServiceTypeFactory(code=code, labour_minutes=minutes, skill="general")


def battery_service(code: str = "crew-battery", minutes: int = 120) -> ServiceType:
    return ServiceTypeFactory(
        code=code,
        category=ServiceType.Category.BATTERY,
        capability="ev_battery",
        labour_minutes=minutes,
        skill="ev_battery",
        min_hv_level=2,
        crew_size=2,
    )


def adas_service(code: str = "crew-adas", minutes: int = 90) -> ServiceType:
    return ServiceTypeFactory(
        code=code,
        category=ServiceType.Category.ADAS,
        capability="adas_calibration",
        labour_minutes=minutes,
        skill="adas_calibration",
    )
