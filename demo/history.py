"""A past quarter of finished service at every demo outlet, so that the audit shows real
figures: completed, cancelled and no-show bookings with their waits, labour times, checklists
and ratings. At one outlet, SZ-NANSHAN-01, AITO owners are served visibly worse (longer waits,
fewer on-time starts, lower ratings): the equity audit flags it.

Written in bulk and directly (history, its rules applied in its day); once only: a second seed
finds the history owners and does nothing. Past bookings that are not active never meet the
exclusion constraints.

The same figures and flags whatever day it is seeded: the seeded generator draws every visit
(car, services, outcome, wait, labour, rating) without looking at the calendar, a fixed number a
day over the quarter. Only then are the visits laid out over the days of the period the
dashboard opens on (`audit.periods.last_quarter`), on the outlet's open days and hours, by a
generator of their own; a weekday the outlet is closed moves its visits, it never drops them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.periods import QUARTER_DAYS, last_quarter
from audit.selectors import Period
from bookings.models import Booking, BookingEvent, BookingService, Feedback
from bookings.references import ALPHABET, LENGTH, PREFIX
from outlets.models import Outlet, ServiceType
from vehicles.models import Vehicle, VehicleModel
from vehicles.vin import make_vin

from .bookings import WMI
from .past import COMMENTS
from .prices import StandardPrices

OWNERS = 150
UNEQUAL_OUTLET, UNEQUAL_BRAND = "SZ-NANSHAN-01", "AITO"
# Bookings a day: (fewest, most); the busy flagship gets more, so that each brand there has
# enough for the equity tests (≥ 20 a side) within the quarter.
PER_DAY = {"default": (2, 4), UNEQUAL_OUTLET: (5, 8)}
FIRST_OWNER = "history001"
REFERENCE_SEED = 92

Status = Booking.Status
PATHS = {
    Status.COMPLETED: ["checked_in", "in_service", "ready", "completed"],
    Status.CANCELLED: ["cancelled"],
    Status.NO_SHOW: ["no_show"],
}


@dataclass(frozen=True)
class Service:
    """How one outlet's kind of customer is served: the unequal outlet's AITO owners get the
    other one."""

    late_share: float  # of started bookings, started more than 15 minutes late
    late_minutes: tuple[int, int]
    rating_weights: tuple[int, int, int, int, int]  # of 5, 4, 3, 2, 1 stars


FAIR = Service(late_share=0.03, late_minutes=(16, 40), rating_weights=(60, 30, 7, 2, 1))
WORSE = Service(late_share=0.55, late_minutes=(20, 75), rating_weights=(18, 28, 30, 16, 8))


def _owners(rng: random.Random) -> dict[int, list[Vehicle]]:
    """The history's drivers (no logins), one car each, spread over every model; by brand."""
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"history{n:03d}",
            password=unusable,
            language=rng.choice([User.Language.ZH_HANS, User.Language.EN]),
        )
        for n in range(1, OWNERS + 1)
    )
    models = list(VehicleModel.objects.select_related("brand").order_by("code"))
    vehicles = Vehicle.objects.bulk_create(
        Vehicle(
            owner=user,
            vin=make_vin(f"{WMI[model.brand.code]}HST01", f"R{n:07d}"),
            model=model,
            model_year=rng.choice([2023, 2024, 2025]),
            odometer_km=rng.randrange(3000, 80000),
            verified_at=timezone.now(),
            verified_via=Vehicle.VerifiedVia.DELIVERY_RECORD,
        )
        for n, (user, model) in enumerate(
            ((u, models[i % len(models)]) for i, u in enumerate(users)), start=1
        )
    )
    by_brand: dict[int, list[Vehicle]] = {}
    for vehicle in vehicles:
        by_brand.setdefault(vehicle.model.brand_id, []).append(vehicle)
    return by_brand


class References:
    """Booking references from a seeded generator of their own (so the history is the same
    every time), never one already taken. Their own: a draw skipped because the reference is
    taken (the demo's other bookings have random ones) must not shift the visits' generator,
    or the figures would change with a one-in-a-hundred collision."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = set(Booking.objects.values_list("reference", flat=True))

    def next(self) -> str:
        while True:
            reference = PREFIX + "".join(self.rng.choices(ALPHABET, k=LENGTH))
            if reference not in self.taken:
                self.taken.add(reference)
                return reference


def _open_hours(outlet: Outlet, weekday: int) -> list[int]:
    """The whole hours at which a one-hour job can start that day."""
    return [
        hour
        for hours in outlet.hour_list
        if hours.weekday == weekday
        for hour in range(hours.opens.hour + (hours.opens.minute > 0), hours.closes.hour)
    ]


def _visits(
    rng: random.Random,
    references: References,
    outlet: Outlet,
    vehicles: dict[int, list[Vehicle]],
    prices: StandardPrices,
) -> list[tuple[Booking, list[ServiceType], Service]]:
    """The outlet's quarter of visits, not yet on a day: nothing here reads the calendar."""
    general = [s for s in outlet.offered if s.capability == "general" and s.category != "recall"]
    recalls = [s for s in outlet.offered if s.category == "recall" and s.capability == "general"]
    # Any car the outlet may serve, equally likely: brands keep the share they have in the
    # fleet (and in demo/past.py's older history), so no brand looks worse by mix alone.
    fleet = [v for brand_id in sorted(outlet.brand_ids) for v in vehicles.get(brand_id, [])]
    fewest, most = PER_DAY.get(outlet.code, PER_DAY["default"])
    rows = []
    for _ in range(sum(rng.randint(fewest, most) for _ in range(QUARTER_DAYS))):
        vehicle = rng.choice(fleet)
        services = [rng.choice(general)]
        if recalls and rng.random() < 0.05:
            services.append(rng.choice(recalls))
        unequal = (
            outlet.code == UNEQUAL_OUTLET and vehicle.model.brand_id == outlet.unequal_brand_id
        )
        booking = Booking(
            reference=references.next(),
            owner_id=vehicle.owner_id,
            vehicle=vehicle,
            outlet=outlet,
            status=rng.choices(
                [Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW], weights=[86, 8, 6]
            )[0],
            mode=rng.choice([Booking.Mode.DROP_OFF, Booking.Mode.WAIT]),
            channel=rng.choices([Booking.Channel.ONLINE, Booking.Channel.PHONE], weights=[80, 20])[
                0
            ],
            price_total=prices.total(services, model_id=vehicle.model_id, currency=outlet.currency),
        )
        rows.append((booking, services, WORSE if unequal else FAIR))
    return rows


def _lay_out(
    placement: random.Random,
    outlet: Outlet,
    period: Period,
    rows: list[tuple[Booking, list[ServiceType], Service]],
) -> None:
    """Give each visit a day of the period, an hour the outlet is open and a free bay: the
    visits are dealt over the open days in turn, so each day gets as many as its share."""
    zone = ZoneInfo(outlet.time_zone)
    bays = [b for b in outlet.bay_list if "general" in b.capabilities]
    days = [period.date_to - dt.timedelta(days=back) for back in range(QUARTER_DAYS)]
    open_days = [(day, hours) for day in days if (hours := _open_hours(outlet, day.weekday()))]
    for index, (day, hours) in enumerate(open_days):
        todays = rows[index :: len(open_days)]
        slots = [(hour, bay) for hour in hours for bay in bays]
        if len(todays) > len(slots):  # a demo outlet too small for its share: fix its spec
            raise ValueError(f"{outlet.code} has {len(slots)} slots on {day} for {len(todays)}")
        for (booking, services, _), (hour, bay) in zip(
            todays, placement.sample(slots, k=len(todays)), strict=True
        ):
            minutes = sum(s.labour_minutes for s in services)
            booking.bay = bay
            booking.start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
            booking.end = booking.start + dt.timedelta(minutes=minutes)
            booking.bay_released_at = booking.start + dt.timedelta(
                minutes=minutes + outlet.turnover_minutes
            )


def _finish(rng: random.Random, booking: Booking, services: list[ServiceType], how: Service):
    """Stamp a completed booking: its wait, its labour time (around the standard)."""
    if rng.random() < how.late_share:
        wait = rng.randint(*how.late_minutes)
    else:
        wait = rng.choice([-10, -5, 0, 0, 0, 5, 5, 10, 15])
    standard = sum(s.labour_minutes for s in services)
    labour = max(5, round(standard * rng.uniform(0.85, 1.25)))
    booking.checked_in_at = booking.start - dt.timedelta(minutes=rng.randint(0, 20))
    booking.started_at = booking.start + dt.timedelta(minutes=wait)
    booking.ready_at = booking.started_at + dt.timedelta(minutes=labour)
    booking.completed_at = booking.ready_at + dt.timedelta(minutes=rng.randint(10, 90))
    booking.actual_labour_minutes = labour


@transaction.atomic
def seed_history() -> None:
    """Once: a quarter of history at every active outlet (see the module's docstring)."""
    if User.objects.filter(username=FIRST_OWNER).exists():
        return
    rng = random.Random(90)
    placement = random.Random(91)
    references = References(random.Random(REFERENCE_SEED))
    prices = StandardPrices()
    vehicles = _owners(rng)
    outlets = list(
        Outlet.objects.filter(is_active=True)
        .prefetch_related("brands", "services", "bays", "opening_hours")
        .order_by("code")
    )
    unequal_brand = next(
        (b.pk for o in outlets for b in o.brands.all() if b.code == UNEQUAL_BRAND), None
    )
    # The platform's calendar, as the dashboard's: each outlet's days are the same dates.
    period = last_quarter(today=timezone.localdate())
    rows: list[tuple[Booking, list[ServiceType], Service]] = []
    for outlet in outlets:
        outlet.brand_ids = {b.pk for b in outlet.brands.all()}
        outlet.offered = sorted(outlet.services.all(), key=lambda s: s.code)
        outlet.bay_list = sorted(
            (b for b in outlet.bays.all() if b.is_active), key=lambda b: b.name
        )
        outlet.hour_list = list(outlet.opening_hours.all())
        outlet.unequal_brand_id = unequal_brand
        visits = _visits(rng, references, outlet, vehicles, prices)
        _lay_out(placement, outlet, period, visits)
        rows += visits

    for booking, services, how in rows:
        if booking.status == Status.COMPLETED:
            _finish(rng, booking, services, how)
        elif booking.status == Status.CANCELLED:
            booking.cancel_reason = rng.choice(["Plans changed", "Booked elsewhere", ""])
    Booking.objects.bulk_create([b for b, _, _ in rows], batch_size=2000)

    lines, events, feedback = [], [], []
    for booking, services, how in rows:
        done = booking.status == Status.COMPLETED
        for service in services:
            lines.append(
                BookingService(
                    booking=booking,
                    service_type=service,
                    labour_minutes=service.labour_minutes,
                    price=prices.of(
                        service, model_id=booking.vehicle.model_id, currency=booking.outlet.currency
                    ),
                    # Now and then an item is skipped: checklist completion is not always 100%.
                    checklist_result=[
                        {"item": item, "done": rng.random() > 0.015} for item in service.checklist
                    ]
                    if done
                    else [],
                )
            )
        previous = "confirmed"
        events.append(BookingEvent(booking=booking, kind="created", to_status=previous))
        for target in PATHS[booking.status]:
            events.append(
                BookingEvent(booking=booking, kind="status", from_status=previous, to_status=target)
            )
            previous = target
        if done and rng.random() < 0.6:
            feedback.append(
                Feedback(
                    booking=booking,
                    rating=rng.choices([5, 4, 3, 2, 1], weights=how.rating_weights)[0],
                    comment=rng.choice(COMMENTS),
                )
            )
    BookingService.objects.bulk_create(lines, batch_size=2000)
    BookingEvent.objects.bulk_create(events, batch_size=5000)
    Feedback.objects.bulk_create(feedback, batch_size=2000)
