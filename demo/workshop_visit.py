"""A visit in the workshop waiting for the owner's answer: owner.wang's Stelato S9 was checked
in at the Pudong flagship today, inspected (readings, three walk-around photos and a damage
mark) and two lines of extra work were sent to him, one urgent and one advisory, not answered
yet. He sees "waiting for your approval" on his booking page and answers from it; the
outlet's board shows the lines awaiting him.

Made through the real services (the inspection, the photo pipeline, the estimate rules), so
the photos are stored as any upload is; the images are drawn here, small and the same every
time. Once only: a second seed finds the sending and only tells the story again."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from bookings.models import Booking, BookingService
from bookings.reservation import reserve_bay
from estimates.models import EstimateLine, EstimateSending
from estimates.services import PartInput, estimate_line_add, estimate_send
from hima_service.exceptions import DomainError
from outlets.catalog import booking_duration
from outlets.models import Outlet, ServiceType
from outlets.schedule import day_intervals, interval_starts
from pricing.selectors import service_prices
from vehicles.models import Vehicle
from workshop.models import Angle
from workshop.photos import photo_create
from workshop.services import DamageInput, ViewInput, inspection_record

from .events import record_todays_path
from .network import Login

OUTLET = "SH-PUDONG-01"
OWNER = "owner.wang"
ADVISOR = "advisor.sh-pudong"
BOOKED = "mnt-annual"
# General work, as the booked service is: a catalog line is proposed only for work the car's own
# bay can do, and the booked service may have found any general bay free.
ADVISORY = "mnt-brake-fluid"
PHOTO = (240, 160)
# What each photo shows, drawn in its own colour: the walk-around's views and the findings.
PICTURES = {
    Angle.FRONT: (46, 84, 140),
    Angle.REAR: (60, 110, 90),
    Angle.LEFT: (120, 90, 50),
    "damage": (150, 60, 60),
    "brakes": (90, 90, 96),
}

Status = Booking.Status


def _picture(name: str) -> SimpleUploadedFile:
    """A small JPEG of a car's outline on a coloured ground, labelled: deterministic."""
    image = Image.new("RGB", PHOTO, PICTURES[name])
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 70, 210, 120), radius=12, fill=(230, 230, 235))
    draw.rounded_rectangle((70, 40, 170, 75), radius=10, fill=(200, 205, 215))
    for x in (65, 175):
        draw.ellipse((x - 16, 104, x + 16, 136), fill=(30, 30, 30))
    draw.text((10, 8), str(name).upper(), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", out.getvalue(), content_type="image/jpeg")


def todays_starts(outlet: Outlet, service: ServiceType, now: dt.datetime) -> list[dt.datetime]:
    """Today's slot starts, the latest already begun first, then those still ahead (seeded
    before opening, the car was left early for the first of them). Never an earlier day: the
    visit must stay out of the past periods the audit reads, whatever day it is seeded."""
    today = outlet.local_day(now)
    hours = [
        (h.opens, h.closes) for h in outlet.opening_hours.all() if h.weekday == today.weekday()
    ]
    step = dt.timedelta(minutes=outlet.slot_step_minutes)
    starts = [
        start
        for opens, closes in day_intervals(today, hours, outlet.zone)
        for start in interval_starts(opens, closes, duration=booking_duration([service]), step=step)
    ]
    begun = sorted((s for s in starts if s <= now), reverse=True)
    return begun + sorted(s for s in starts if s > now)


def _check_in(outlet: Outlet, vehicle: Vehicle, service: ServiceType) -> Booking | None:
    """The car checked in today, on the latest slot with a free bay and crew."""
    now = timezone.now()
    for start in todays_starts(outlet, service, now):
        # The price book's standard for this model, as a booking made online would carry.
        price = service_prices(
            services=[service],
            model_id=vehicle.model_id,
            currency=outlet.currency,
            on=outlet.local_day(start),
        )[service.pk]
        booking = Booking(
            owner_id=vehicle.owner_id,
            vehicle=vehicle,
            outlet=outlet,
            start=start,
            status=Status.CHECKED_IN,
            mode=Booking.Mode.DROP_OFF,
            price_total=price,
            checked_in_at=min(start - dt.timedelta(minutes=10), now),
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
        return booking
    return None


def _inspect(booking: Booking, advisor: User) -> None:
    views = {
        Angle.FRONT: ViewInput(note="Clean, no marks", photo=_picture(Angle.FRONT)),
        Angle.REAR: ViewInput(note="", photo=_picture(Angle.REAR)),
        Angle.LEFT: ViewInput(note="Light swirl marks on the doors", photo=_picture(Angle.LEFT)),
        Angle.DASHBOARD: ViewInput(note="Tyre pressure warning: front left 2.1 bar"),
    }
    inspection_record(
        booking=booking,
        actor=advisor,
        odometer_km=booking.vehicle.odometer_km + 160,
        state_of_charge=58,
        views=views,
        damage=DamageInput(
            location="Rear bumper, right corner",
            note="Scuff, about 5 cm; there before this visit",
            photo=_picture("damage"),
        ),
    )


def _extra_work(booking: Booking, advisor: User) -> None:
    """An urgent repair with its photo and an advisory catalog service, sent together."""
    brakes = photo_create(booking=booking, upload=_picture("brakes"), actor=advisor)
    estimate_line_add(
        booking=booking,
        actor=advisor,
        grade=EstimateLine.Grade.URGENT,
        description="Front brake pads worn to 2 mm: replace both sides",
        labour_minutes=60,
        parts=[
            PartInput(name="Front brake pad set", quantity=Decimal("1"), unit_price=Decimal("420"))
        ],
        photos=[brakes],
    )
    estimate_line_add(
        booking=booking,
        actor=advisor,
        grade=EstimateLine.Grade.ADVISORY,
        service_type=ServiceType.objects.get(code=ADVISORY),
    )
    estimate_send(booking=booking, actor=advisor)


def _story(sending: EstimateSending) -> list[Login]:
    booking = sending.booking
    zone = booking.outlet.zone
    until = f"{sending.expires_at.astimezone(zone):%Y-%m-%d %H:%M}"
    return [
        Login(
            OWNER,
            "visit story",
            f"{booking.reference} at {OUTLET}: 2 lines of extra work wait for approval "
            f"(booking page → See and answer), until {until}",
        ),
        Login(ADVISOR, "visit story", f"{OUTLET} board: {booking.reference} awaits the owner"),
    ]


@transaction.atomic
def seed_workshop_visit() -> list[Login]:
    """The visit waiting for approval; returns the logins that show it. Safe to run again."""
    outlet = Outlet.objects.filter(code=OUTLET).first()
    vehicle = Vehicle.objects.filter(owner__username=OWNER).select_related("model").first()
    advisor = User.objects.filter(username=ADVISOR).first()
    if outlet is None or vehicle is None or advisor is None:
        return []
    sent = EstimateSending.objects.filter(booking__vehicle=vehicle, booking__outlet=outlet)
    if not sent.exists():
        booking = _check_in(outlet, vehicle, ServiceType.objects.get(code=BOOKED))
        if booking is None:  # no bay free on any recent evening: no story rather than a fake
            return []
        _inspect(booking, advisor)
        _extra_work(booking, advisor)
    return _story(sent.select_related("booking__outlet").latest("sent_at"))
