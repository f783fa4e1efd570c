"""Demo recall campaigns, one each for AITO and Luxeed, opened some weeks ago: their range is
resolved by the real service; the demo drivers' cars have a history (some fixed at an outlet in
the past, the rest notified), while the demo owners' affected cars are left for the notice scan
the campaign queues, so their notices show in the worker's log. `owner.li`'s AITO M9 is in no
campaign: it is the car for the live flow in docs/recalls.md (a campaign from a VIN file).
Idempotent: a campaign that exists is left as it is."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, BookingEvent, BookingService
from bookings.references import new_reference
from outlets.models import Outlet, ServiceType
from recalls.models import AffectedVehicle, RecallCampaign
from recalls.services import campaign_create
from vehicles.models import Brand, VehicleModel

from .network import DEMO_OWNERS
from .past import past_booking

Status = Booking.Status
State = AffectedVehicle.State
OPENED_DAYS_AGO = 40


@dataclass(frozen=True)
class CampaignSpec:
    brand: str
    code: str
    service: str
    models: tuple[str, ...]
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str


CAMPAIGNS = [
    CampaignSpec(
        "AITO",
        "AITO-2026-R01",
        "rcl-campaign",
        ("aito-m5", "aito-m7"),
        "前排安全带预紧器检查",
        "Front seat-belt pretensioner inspection",
        "部分 2024 年款问界 M5、M7 的前排安全带预紧器线束可能接触不良，碰撞时预紧器可能无法触发。"
        "门店将检查线束并按需更换。",
        "On some 2024 AITO M5 and M7 cars the front seat-belt pretensioner harness may not be "
        "fully seated, so the pretensioner might not fire in a crash. The outlet checks the "
        "harness and replaces it where needed.",
    ),
    CampaignSpec(
        "LUXEED",
        "LUXEED-2026-R01",
        "rcl-hv-connector",
        ("luxeed-s7", "luxeed-r7"),
        "高压连接器紧固检查",
        "High-voltage connector inspection",
        "部分 2024 年款智界 S7、R7 的高压连接器可能未按规定扭矩紧固，长期使用可能导致过热。"
        "门店将检查并重新紧固连接器，测量绝缘电阻。",
        "On some 2024 Luxeed S7 and R7 cars a high-voltage connector may not have been tightened "
        "to specification and could overheat over time. The outlet inspects and re-torques it "
        "and measures the insulation resistance.",
    ),
]


def _fixed_in_the_past(
    rng: random.Random, campaign: RecallCampaign, row: AffectedVehicle, outlets: list[Outlet]
) -> None:
    """A completed booking of the campaign's fix some days ago, and the row done at its outlet.
    History, written directly like the demo's other past bookings."""
    service = campaign.service_type
    vehicle = row.vehicle
    outlet = rng.choice(outlets)
    bay = next(b for b in outlet.bays.all() if service.capability in b.capabilities)
    zone = ZoneInfo(outlet.time_zone)
    # A date on the platform's calendar, as the audit's periods read it at every outlet.
    day = timezone.localdate() - dt.timedelta(days=rng.randrange(3, OPENED_DAYS_AGO - 5))
    start = dt.datetime.combine(day, dt.time(rng.randrange(9, 15)), tzinfo=zone)
    end = start + dt.timedelta(minutes=service.labour_minutes)
    # Written directly, not through the reservation core that draws again on a collision: the
    # history's thousands of references are already taken.
    reference = new_reference()
    while Booking.objects.filter(reference=reference).exists():
        reference = new_reference()
    booking = past_booking(
        reference=reference,
        vehicle=vehicle,
        outlet=outlet,
        bay=bay,
        start=start,
        end=end,
        status=Status.COMPLETED,
        price_total=0,
        holds_recalls=True,
        checked_in_at=start - dt.timedelta(minutes=10),
        started_at=start,
        ready_at=end,
        completed_at=end + dt.timedelta(minutes=20),
        actual_labour_minutes=service.labour_minutes,
    )
    booking.save(force_insert=True)
    BookingService.objects.create(
        booking=booking,
        service_type=service,
        labour_minutes=service.labour_minutes,
        price=0,
        checklist_result=[{"item": item, "done": True} for item in service.checklist],
    )
    BookingEvent.objects.bulk_create(
        [BookingEvent(booking=booking, kind=BookingEvent.Kind.CREATED, to_status=Status.CONFIRMED)]
        + [
            BookingEvent(
                booking=booking, kind=BookingEvent.Kind.STATUS, from_status=frm, to_status=to
            )
            for frm, to in [
                (Status.CONFIRMED, Status.CHECKED_IN),
                (Status.CHECKED_IN, Status.IN_SERVICE),
                (Status.IN_SERVICE, Status.READY),
                (Status.READY, Status.COMPLETED),
            ]
        ]
    )
    AffectedVehicle.objects.filter(pk=row.pk).update(
        state=State.DONE,
        outlet=outlet,
        booking_reference=booking.reference,
        booked_at=start - dt.timedelta(days=2),
        done_at=booking.completed_at,
    )


def _seed_campaign(spec: CampaignSpec, rng: random.Random) -> None:
    brand = Brand.objects.get(code=spec.brand)
    service = ServiceType.objects.get(code=spec.service)
    campaign = campaign_create(
        actor=User.objects.get(username=f"brand.{spec.brand.lower()}"),
        brand=brand,
        code=spec.code,
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        description_zh=spec.description_zh,
        description_en=spec.description_en,
        service_type=service,
        vehicle_models=list(VehicleModel.objects.filter(code__in=spec.models)),
        model_year_from=2024,
        model_year_to=2024,
    )
    opened = timezone.now() - dt.timedelta(days=OPENED_DAYS_AGO)
    RecallCampaign.objects.filter(pk=campaign.pk).update(created_at=opened)
    outlets = list(
        Outlet.objects.filter(
            is_active=True,
            brands=brand,
            services=service,
            bays__capabilities__contains=[service.capability],
        )
        .distinct()
        .prefetch_related("bays")
        .order_by("code")
    )
    demo_owners = {username for username, *_ in DEMO_OWNERS}
    history = campaign.affected_vehicles.select_related("vehicle").exclude(
        vehicle__owner__username__in=demo_owners
    )
    # The drivers heard of it the day after it opened; about half have had it fixed since.
    history.update(state=State.NOTIFIED, notified_at=opened + dt.timedelta(days=1))
    for row in history.order_by("vin"):
        if rng.random() < 0.5:
            _fixed_in_the_past(rng, campaign, row, outlets)


@transaction.atomic
def seed_recalls() -> None:
    """The two demo campaigns with their history; nothing for a campaign that exists."""
    rng = random.Random(2027)
    for spec in CAMPAIGNS:
        if not RecallCampaign.objects.filter(code=spec.code).exists():
            _seed_campaign(spec, rng)
