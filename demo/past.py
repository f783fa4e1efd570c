"""The demo's older past: finished, cancelled and missed bookings of the last months at every
outlet, written directly (their rules applied in their day) with their service lines, events and
ratings, and owner.li's visit still to rate. The quarter the audit opens on is demo/history.py's."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from bookings.models import Booking, BookingEvent, BookingService, Feedback
from bookings.references import new_reference
from outlets.catalog import booking_duration
from outlets.models import Bay, Outlet, ServiceType
from vehicles.models import Vehicle

from .prices import StandardPrices

PAST_DAYS = 120
PAST_BOOKINGS = 900
COMMENTS = ["", "", "Quick and friendly.", "服务很专业", "Waited a bit long.", "车洗得很干净"]

Status = Booking.Status


def past_booking(
    *,
    vehicle: Vehicle,
    outlet: Outlet,
    bay: Bay,
    start: dt.datetime,
    end: dt.datetime,
    reference: str | None = None,
    **fields: Any,
) -> Booking:
    """A booking written directly into the past (unsaved): the car's owner's, on `bay` over
    [start, end), the bay released after the outlet's turnover; `fields` say how it went."""
    return Booking(
        reference=reference or new_reference(),
        owner_id=vehicle.owner_id,
        vehicle=vehicle,
        outlet=outlet,
        bay=bay,
        start=start,
        end=end,
        bay_released_at=end + dt.timedelta(minutes=outlet.turnover_minutes),
        **fields,
    )


def write_older_past(
    rng: random.Random, vehicles: list[Vehicle], outlets: list[Outlet], prices: StandardPrices
) -> None:
    """Finished, cancelled and missed bookings of the last months, on free bays."""
    # Days on the platform's calendar, as the audit's periods: the same dates at every outlet.
    today = timezone.localdate()
    by_brand: dict[int, list[Outlet]] = {}
    for outlet in outlets:
        for brand_id in outlet.brand_ids:
            by_brand.setdefault(brand_id, []).append(outlet)
    taken: set[tuple[int, dt.datetime]] = set()
    rows: list[tuple[Booking, list]] = []
    for _ in range(PAST_BOOKINGS):
        vehicle = rng.choice(vehicles)
        outlet = rng.choice(by_brand[vehicle.model.brand_id])
        services = rng.sample(outlet.offered, k=min(len(outlet.offered), rng.choice([1, 1, 2])))
        needed = {s.capability for s in services}
        bays = [b for b in outlet.bay_list if needed <= set(b.capabilities)]
        if not bays:
            continue
        zone = outlet.zone
        day = today - dt.timedelta(days=rng.randrange(1, PAST_DAYS))
        start = dt.datetime.combine(day, dt.time(rng.randrange(9, 16)), tzinfo=zone)
        bay = rng.choice(bays)
        if (bay.pk, start) in taken:
            continue
        taken.add((bay.pk, start))
        duration = booking_duration(services)
        end = start + duration
        status = rng.choices(
            [Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW], weights=[85, 9, 6]
        )[0]
        booking = past_booking(
            vehicle=vehicle,
            outlet=outlet,
            bay=bay,
            start=start,
            end=end,
            status=status,
            mode=rng.choice([Booking.Mode.DROP_OFF, Booking.Mode.WAIT]),
            price_total=prices.total(services, model_id=vehicle.model_id, currency=outlet.currency),
        )
        if status == Status.COMPLETED:
            late = dt.timedelta(minutes=rng.choice([0, 0, 5, 10, 20, 40]))
            labour = round(duration.total_seconds() / 60 * rng.uniform(0.8, 1.3))
            booking.checked_in_at = start - dt.timedelta(minutes=10)
            booking.started_at = start + late
            booking.ready_at = booking.started_at + dt.timedelta(minutes=labour)
            booking.completed_at = booking.ready_at + dt.timedelta(minutes=30)
            booking.actual_labour_minutes = labour
        elif status == Status.CANCELLED:
            booking.cancel_reason = "Plans changed"
        rows.append((booking, services))
    _insert(rng, rows, prices)


def _draw_again_where_taken(bookings: list[Booking]) -> None:
    """A bulk insert has no savepoint per row to retry a reference collision in: with 900 random
    references a batch, one seed in a few thousand drew a reference twice, and the whole seed
    failed. Draw again for any reference the batch or the table already holds."""
    taken = set(Booking.objects.values_list("reference", flat=True))
    for booking in bookings:
        while booking.reference in taken:
            booking.reference = new_reference()
        taken.add(booking.reference)


def _insert(
    rng: random.Random,
    rows: list[tuple[Booking, list[ServiceType]]],
    prices: StandardPrices,
    *,
    rated: bool = True,
) -> None:
    """Past bookings with their service lines and events; 60% of the finished ones rated,
    unless `rated` is off."""
    _draw_again_where_taken([b for b, _ in rows])
    Booking.objects.bulk_create([b for b, _ in rows])
    lines, events, feedback = [], [], []
    for booking, services in rows:
        done = booking.status == Status.COMPLETED
        for s in services:
            lines.append(
                BookingService(
                    booking=booking,
                    service_type=s,
                    labour_minutes=s.labour_minutes,
                    price=prices.of(
                        s, model_id=booking.vehicle.model_id, currency=booking.outlet.currency
                    ),
                    checklist_result=[{"item": i, "done": True} for i in s.checklist]
                    if done
                    else [],
                )
            )
        events.append(
            BookingEvent(
                booking=booking, kind=BookingEvent.Kind.CREATED, to_status=Status.CONFIRMED
            )
        )
        path = {
            Status.COMPLETED: ["checked_in", "in_service", "ready", "completed"],
            Status.CANCELLED: ["cancelled"],
            Status.NO_SHOW: ["no_show"],
        }[booking.status]
        previous = "confirmed"
        for target in path:
            events.append(
                BookingEvent(
                    booking=booking,
                    kind=BookingEvent.Kind.STATUS,
                    from_status=previous,
                    to_status=target,
                )
            )
            previous = target
        if done and rated and rng.random() < 0.6:
            feedback.append(
                Feedback(
                    booking=booking,
                    rating=rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 6, 4])[0],
                    comment=rng.choice(COMMENTS),
                )
            )
    BookingService.objects.bulk_create(lines)
    BookingEvent.objects.bulk_create(events)
    Feedback.objects.bulk_create(feedback)


def write_unrated_visit(outlets: list[Outlet], prices: StandardPrices) -> None:
    """owner.li's M9 was serviced at the Pudong flagship three days ago and not rated yet: the
    README's "rate once" can be tried from the demo logins."""
    vehicle = Vehicle.objects.get(owner__username="owner.li")
    outlet = next(o for o in outlets if o.code == "SH-PUDONG-01")
    service = next(s for s in outlet.offered if s.category == "maintenance")
    bay = next(b for b in outlet.bay_list if service.capability in b.capabilities)
    day = timezone.localdate() - dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=outlet.zone)
    end = start + booking_duration([service])
    booking = past_booking(
        vehicle=vehicle,
        outlet=outlet,
        bay=bay,
        start=start,
        end=end,
        status=Status.COMPLETED,
        mode=Booking.Mode.WAIT,
        price_total=prices.of(service, model_id=vehicle.model_id, currency=outlet.currency),
        checked_in_at=start - dt.timedelta(minutes=10),
        started_at=start,
        ready_at=end,
        completed_at=end + dt.timedelta(minutes=20),
        actual_labour_minutes=service.labour_minutes,
    )
    _insert(random.Random(0), [(booking, [service])], prices, rated=False)
