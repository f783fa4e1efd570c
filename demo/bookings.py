"""Demo bookings across past and future, so that queues, histories and audits have something to
show. Past bookings are history and are written directly (their rules applied in their day);
the demo owners' upcoming bookings go through the real booking service."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings.availability.engine import free_starts
from bookings.lifecycle.create import booking_create
from bookings.models import Booking, BookingEvent, BookingService, Feedback
from bookings.references import new_reference
from bookings.reservation import reserve_bay
from hima_service.exceptions import DomainError
from outlets.catalog import booking_duration
from outlets.models import Outlet, OutletMembership, ServiceType
from outlets.schedule import day_intervals, interval_starts
from vehicles.models import Vehicle, VehicleModel
from vehicles.vin import make_vin

from .events import record_todays_path
from .network import DEMO_OWNERS
from .prices import StandardPrices

WMI = {"AITO": "LM8", "LUXEED": "LVV", "STELATO": "LNB", "MAEXTRO": "LJ1", "SHANGJIE": "LSJ"}
# Drivers who booked in the past (no login): enough traffic for every outlet's history.
EXTRA_DRIVERS = 60
PAST_DAYS = 120
PAST_BOOKINGS = 900
COMMENTS = ["", "", "Quick and friendly.", "服务很专业", "Waited a bit long.", "车洗得很干净"]

Status = Booking.Status


def _drivers(rng: random.Random) -> list[Vehicle]:
    models = list(VehicleModel.objects.select_related("brand"))
    unusable = make_password(None)
    vehicles = []
    for n in range(1, EXTRA_DRIVERS + 1):
        user, _ = User.objects.get_or_create(
            username=f"driver{n:03d}",
            defaults={"password": unusable, "language": rng.choice(["zh-hans", "en"])},
        )
        model = models[n % len(models)]
        vehicle, _ = Vehicle.objects.get_or_create(
            vin=make_vin(f"{WMI[model.brand.code]}DRV01", f"R{n:07d}"),
            defaults={
                "owner": user,
                "model": model,
                "model_year": 2024,
                "odometer_km": rng.randrange(2000, 60000),
                "verified_at": timezone.now(),
                "verified_via": Vehicle.VerifiedVia.DELIVERY_RECORD,
            },
        )
        vehicles.append(vehicle)
    return vehicles


def _history(
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
        booking = Booking(
            reference=new_reference(),
            owner_id=vehicle.owner_id,
            vehicle=vehicle,
            outlet=outlet,
            bay=bay,
            start=start,
            end=end,
            bay_released_at=end + dt.timedelta(minutes=outlet.turnover_minutes),
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
    _write_past(rng, rows, prices)


def _draw_again_where_taken(bookings: list[Booking]) -> None:
    """A bulk insert has no savepoint per row to retry a reference collision in: with 900 random
    references a batch, one seed in a few thousand drew a reference twice, and the whole seed
    failed. Draw again for any reference the batch or the table already holds."""
    taken = set(Booking.objects.values_list("reference", flat=True))
    for booking in bookings:
        while booking.reference in taken:
            booking.reference = new_reference()
        taken.add(booking.reference)


def _write_past(
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


def _unrated_visit(outlets: list[Outlet], prices: StandardPrices) -> None:
    """owner.li's M9 was serviced at the Pudong flagship three days ago and not rated yet: the
    README's "rate once" can be tried from the demo logins."""
    vehicle = Vehicle.objects.get(owner__username="owner.li")
    outlet = next(o for o in outlets if o.code == "SH-PUDONG-01")
    service = next(s for s in outlet.offered if s.category == "maintenance")
    bay = next(b for b in outlet.bay_list if service.capability in b.capabilities)
    day = timezone.localdate() - dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=outlet.zone)
    end = start + booking_duration([service])
    booking = Booking(
        reference=new_reference(),
        owner_id=vehicle.owner_id,
        vehicle=vehicle,
        outlet=outlet,
        bay=bay,
        start=start,
        end=end,
        bay_released_at=end + dt.timedelta(minutes=outlet.turnover_minutes),
        status=Status.COMPLETED,
        mode=Booking.Mode.WAIT,
        price_total=prices.of(service, model_id=vehicle.model_id, currency=outlet.currency),
        checked_in_at=start - dt.timedelta(minutes=10),
        started_at=start,
        ready_at=end,
        completed_at=end + dt.timedelta(minutes=20),
        actual_labour_minutes=service.labour_minutes,
    )
    _write_past(random.Random(0), [(booking, [service])], prices, rated=False)


def _todays_grid(outlet: Outlet, service: ServiceType, now: dt.datetime) -> list[dt.datetime]:
    """Today's slot starts at the outlet for the service, on its own opening hours and step."""
    zone = outlet.zone
    today = outlet.local_day(now)
    hours = [
        (h.opens, h.closes) for h in outlet.opening_hours.all() if h.weekday == today.weekday()
    ]
    duration = booking_duration([service])
    step = dt.timedelta(minutes=outlet.slot_step_minutes)
    return [
        start
        for opens, closes in day_intervals(today, hours, zone)
        for start in interval_starts(opens, closes, duration=duration, step=step)
    ]


def _today(
    rng: random.Random, vehicles: list[Vehicle], outlets: list[Outlet], prices: StandardPrices
) -> None:
    """Today's board at the staffed outlets, on the day's real slot grid: a car in service and
    one waiting from slots already begun, and two still expected later today (none of it
    before the outlet opens or after it closes)."""
    now = timezone.now()
    # Outlets with a service desk among their staff (every outlet has technicians).
    staffed = [
        o for o in outlets if o.memberships.exclude(role=OutletMembership.Role.TECHNICIAN).exists()
    ]
    pool = iter(rng.sample(vehicles, k=len(vehicles)))
    for outlet in staffed:
        service = next(s for s in outlet.offered if s.capability == "general")
        grid = _todays_grid(outlet, service, now)
        if not grid or grid[-1] < now:
            # Closed today, or past its last start: the day's cars have gone home, and the
            # outlet's "today" may already be a finished day of the audit's period.
            continue
        begun = [start for start in grid if start <= now]
        ahead = [start for start in grid if start > now + dt.timedelta(hours=1)]
        plan = [
            *zip(begun[-2:-1], [Status.IN_SERVICE], strict=False),
            *zip(begun[-1:], [Status.CHECKED_IN], strict=False),
            *((start, Status.CONFIRMED) for start in ahead[:2]),
        ]
        for start, status in plan:
            vehicle = next(pool)
            price = prices.of(service, model_id=vehicle.model_id, currency=outlet.currency)
            booking = Booking(
                owner_id=vehicle.owner_id,
                vehicle=vehicle,
                outlet=outlet,
                start=start,
                status=status,
                mode=Booking.Mode.WAIT,
                price_total=price,
                checked_in_at=start - dt.timedelta(minutes=10)
                if status != Status.CONFIRMED
                else None,
                started_at=start if status == Status.IN_SERVICE else None,
            )
            try:
                with transaction.atomic():
                    reserve_bay(booking=booking, services=[service])
                    BookingService.objects.create(
                        booking=booking,
                        service_type=service,
                        labour_minutes=service.labour_minutes,
                        price=price,
                    )
                    record_todays_path(booking)
            except (DomainError, ValidationError):
                continue


def _upcoming(outlets: list[Outlet]) -> None:
    """Each demo owner's car has a booking ahead, made through the booking service."""
    today = timezone.now().date()
    for index, (username, *_rest) in enumerate(DEMO_OWNERS):
        owner = User.objects.get(username=username)
        for vehicle in owner.vehicles.select_related("model__brand"):
            candidates = [o for o in outlets if vehicle.model.brand_id in o.brand_ids]
            outlet = candidates[index % len(candidates)]
            service = next(s for s in outlet.offered if s.category == "maintenance")
            starts = free_starts(
                outlet=outlet,
                services=[service],
                date_from=today + dt.timedelta(days=2 + index),
                date_to=today + dt.timedelta(days=9 + index),
                vehicle=vehicle,
            )
            if starts:
                try:
                    booking_create(
                        owner=owner,
                        vehicle=vehicle,
                        outlet=outlet,
                        services=[service],
                        start=starts[len(starts) // 3],
                    )
                except (DomainError, ValidationError):
                    continue


@transaction.atomic
def seed_bookings() -> None:
    """Idempotent: does nothing once the demo drivers have a history."""
    if Booking.objects.filter(owner__username="driver001").exists():
        return
    rng = random.Random(2026)
    outlets = list(
        Outlet.objects.filter(is_active=True).prefetch_related(
            "brands", "services", "bays", "opening_hours"
        )
    )
    for outlet in outlets:
        outlet.brand_ids = {b.pk for b in outlet.brands.all()}
        outlet.offered = sorted(outlet.services.all(), key=lambda s: s.code)
        outlet.bay_list = [b for b in outlet.bays.all() if b.is_active]
    vehicles = _drivers(rng)
    prices = StandardPrices()
    _history(rng, vehicles, outlets, prices)
    _unrated_visit(outlets, prices)
    _today(rng, vehicles, outlets, prices)
    _upcoming(outlets)
