"""Facts about a set of services from the standard catalog: how long they take together and
which bay capabilities they need. Works on service types and on a booking's service lines
alike (both carry `labour_minutes`), so a booking keeps the labour time it was booked with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from .models import ServiceType


class HasLabourMinutes(Protocol):
    labour_minutes: int


def booking_duration(lines: Iterable[HasLabourMinutes]) -> dt.timedelta:
    """The standard length of a booking: the sum of its services' labour minutes."""
    return dt.timedelta(minutes=sum(line.labour_minutes for line in lines))


def needed_capabilities(services: Iterable[ServiceType]) -> set[str]:
    """The capabilities one bay must have to do every one of these services."""
    return {service.capability for service in services}


def duration_minutes(lines: Iterable[HasLabourMinutes]) -> int:
    return int(booking_duration(lines).total_seconds() // 60)
