"""Demo bookings across past and future, so that queues, histories and audits have something to
show: the drivers who booked, their older past (demo/past.py, written directly), today's boards
at the staffed outlets (written directly too: their slots may have begun), and the demo owners'
upcoming bookings, which go through the real booking service."""

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
from bookings.models import Booking, BookingService
from bookings.reservation import reserve_bay
from hima_service.exceptions import DomainError
from outlets.catalog import booking_duration
from outlets.models import Outlet, OutletMembership, ServiceType
from outlets.schedule import day_intervals, interval_starts
from vehicles.models import Vehicle, VehicleModel
from vehicles.vin import make_vin

from .events import record_todays_path
from .network import DEMO_OWNERS
from .past import write_older_past, write_unrated_visit
from .prices import StandardPrices

WMI = {"AITO": "LM8", "LUXEED": "LVV", "STELATO": "LNB", "MAEXTRO": "LJ1", "SHANGJIE": "LSJ"}
# Drivers who booked in the past (no login): enough traffic for every outlet's history.
EXTRA_DRIVERS = 60

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
    write_older_past(rng, vehicles, outlets, prices)
    write_unrated_visit(outlets, prices)
    _today(rng, vehicles, outlets, prices)
    _upcoming(outlets)
