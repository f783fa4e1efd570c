"""Constructed service histories for audit tests, written in bulk: one `Visit` per booking,
described by what the audit measures (wait, labour, checklist, rating) rather than by fields."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bookings.models import Booking, BookingService, Feedback
from outlets.models import Outlet, ServiceType
from outlets.tests.factories import ServiceTypeFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, vehicle_model

MODEL_OF = {
    "AITO": "aito-m7",
    "LUXEED": "luxeed-s7",
    "STELATO": "stelato-s9",
    "MAEXTRO": "maextro-s800",
    "SHANGJIE": "shangjie-h5",
}
_references = itertools.count(1)


def standard_service() -> ServiceType:
    return ServiceTypeFactory(
        code="audit-check",
        labour_minutes=60,
        checklist=["Read fault codes", "Check brakes", "Check tyres"],
    )


def recall_service() -> ServiceType:
    return ServiceTypeFactory(
        code="audit-recall",
        category=ServiceType.Category.RECALL,
        labour_minutes=30,
        price=0,
        checklist=["Confirm the VIN", "Apply the fix"],
    )


def local(zone: str, day: dt.date | str, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at that wall-clock time in the zone."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


@dataclass
class Visit:
    brand: str
    start: dt.datetime
    status: str = Booking.Status.COMPLETED
    # Minutes from the scheduled start to the service start; None: never started.
    wait: float | None = 0
    labour: int | None = 60
    rating: int | None = None
    services: list[ServiceType] = field(default_factory=list)
    # Checklist items ticked per service line; None: all of them.
    done: int | None = None
    channel: str = Booking.Channel.ONLINE
    # The work began on another bay (or with another crew, or early): `start` moved to the
    # service start and the booked time kept in `promised_start`, as booking_start does.
    moved: bool = False


class History:
    """Writes visits at outlets, with one vehicle per brand (past bookings that are not active
    never meet the exclusion constraints, so one car can have many)."""

    def __init__(self) -> None:
        self.vehicles: dict[str, Vehicle] = {}

    def vehicle(self, brand: str) -> Vehicle:
        if brand not in self.vehicles:
            self.vehicles[brand] = VehicleFactory(model=vehicle_model(MODEL_OF[brand]))
        return self.vehicles[brand]

    def write(self, outlet: Outlet, visits: list[Visit]) -> list[Booking]:
        default = [standard_service()]
        bookings, lines, ratings = [], [], []
        for visit in visits:
            vehicle = self.vehicle(visit.brand)
            services = visit.services or default
            minutes = sum(s.labour_minutes for s in services)
            started = visit.status in {
                Booking.Status.IN_SERVICE,
                Booking.Status.READY,
                Booking.Status.COMPLETED,
            }
            completed = visit.status == Booking.Status.COMPLETED
            started_at = (
                visit.start + dt.timedelta(minutes=visit.wait)
                if started and visit.wait is not None
                else None
            )
            start = started_at if visit.moved and started_at else visit.start
            booking = Booking(
                reference=f"HS-A{next(_references):06d}",
                owner_id=vehicle.owner_id,
                vehicle=vehicle,
                outlet=outlet,
                start=start,
                promised_start=visit.start if start != visit.start else None,
                end=start + dt.timedelta(minutes=minutes),
                bay_released_at=start + dt.timedelta(minutes=minutes),
                status=visit.status,
                channel=visit.channel,
                checked_in_at=visit.start - dt.timedelta(minutes=5) if started else None,
                started_at=started_at,
                completed_at=started_at + dt.timedelta(minutes=visit.labour or 0)
                if completed and started_at
                else None,
                actual_labour_minutes=visit.labour if completed else None,
            )
            bookings.append(booking)
            for service in services:
                items = list(service.checklist)
                ticked = len(items) if visit.done is None else visit.done
                lines.append(
                    (
                        booking,
                        service,
                        [{"item": item, "done": n < ticked} for n, item in enumerate(items)]
                        if completed
                        else [],
                    )
                )
            if completed and visit.rating is not None:
                ratings.append((booking, visit.rating))
        Booking.objects.bulk_create(bookings)
        BookingService.objects.bulk_create(
            BookingService(
                booking=booking,
                service_type=service,
                labour_minutes=service.labour_minutes,
                price=service.price,
                checklist_result=result,
            )
            for booking, service, result in lines
        )
        Feedback.objects.bulk_create(Feedback(booking=b, rating=r) for b, r in ratings)
        return bookings
