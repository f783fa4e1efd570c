"""The availability engine for one outlet: every free start between two local dates.

Reads only, in at most 7 queries whatever the number of bookings (see calendar.py); rules 2 and
3 come from rules.py, so a start offered here is one that booking create accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone

from crews.rules import CrewNeeds
from outlets.catalog import booking_duration, needed_capabilities
from outlets.models import Outlet, ServiceType
from outlets.schedule import days_between
from vehicles.models import Brand, Vehicle

from ..models import Booking
from .calendar import load_calendars, vehicle_busy, window
from .rules import (
    HORIZON,
    LEAD_TIME,
    bookable_days,
    brand_of,
    check_range,
    no_bay_message,
    serve_errors,
)


def free_starts(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    date_from: dt.date,
    date_to: dt.date,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
    ignore_booking: Booking | None = None,
    brand: Brand | None = None,
) -> list[dt.datetime]:
    """Every free start between two local dates (inclusive), aware in the outlet's zone.

    Raises ValidationError for a range over 31 days or reversed, services the outlet does not
    offer, a brand it is not authorized for, or services no single bay can do. At most 7
    queries, whatever the number of bookings. `ignore_booking` lets a reschedule see its own
    current slot as free.

    Only the dates where rule 2 allows a start (1 hour to 60 days ahead) are loaded: a range
    wholly in the past or beyond the horizon, up to date.min or date.max, is answered empty
    after the catalog checks, without loading any calendar (nor checking the bays).
    """
    check_range(date_from=date_from, date_to=date_to)
    now = now or timezone.now()
    errors = serve_errors(outlet=outlet, services=services, brand=brand_of(vehicle, brand))
    if errors:
        raise ValidationError(errors)
    first_day, last_day = bookable_days(outlet.zone, now)
    date_from, date_to = max(date_from, first_day), min(date_to, last_day)
    if date_from > date_to:
        return []
    needed = needed_capabilities(services)
    ignore_id = ignore_booking.pk if ignore_booking is not None else None
    brand = brand_of(vehicle, brand)
    calendar = load_calendars(
        [outlet],
        needed=needed,
        date_from=date_from,
        date_to=date_to,
        ignore_booking_id=ignore_id,
        crew_needs=CrewNeeds.of(services, brand.pk if brand is not None else None),
    )[outlet.pk]
    if not calendar.bays:
        raise ValidationError({"services": [no_bay_message(outlet, needed)]})
    own = vehicle_busy(vehicle, window(date_from, date_to), ignore_id)
    duration = booking_duration(services)
    starts: list[dt.datetime] = []
    for day in days_between(date_from, date_to):
        starts.extend(
            calendar.starts_on(
                day,
                duration=duration,
                earliest=now + LEAD_TIME,
                latest=now + HORIZON,
                vehicle_busy=own,
            )
        )
    return starts
