"""A car that arrives without booking: registered if its VIN is new, checked against the same
catalog, brand and bay rules as any booking (the availability rules), then put into the first
free suitable bay from now, or into the waiting line when none is free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import SlotTaken, VehicleBusy
from outlets.catalog import booking_duration
from outlets.models import Outlet, ServiceType
from outlets.selectors import service_types_by_code
from recalls.services import recall_claim_for_booking, recall_mark_booked
from vehicles.models import Vehicle, VehicleModel
from vehicles.services import vehicle_create
from vehicles.vin import normalize_vin

from ..availability.rules import check_servable, fields_renamed
from ..models import Booking, BookingEvent
from ..references import new_reference
from ..reservation import reserve_bay
from .create import add_services, price_total
from .events import record_event


def _known_vehicle(vin: str) -> Vehicle | None:
    return Vehicle.objects.select_related("model__brand", "owner").filter(vin=vin).first()


def _walk_in_vehicle(
    *, vin: str, model_code: str | None, plate: str, owner_phone: str, owner_name: str
) -> Vehicle:
    """The car by its VIN; a new one is registered to its owner (found by phone, or a new
    account without a login that the owner can claim later)."""
    try:
        vin = normalize_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from exc
    if (existing := _known_vehicle(vin)) is not None:
        return existing
    model = VehicleModel.objects.filter(code=model_code or "").first()
    if model is None:
        raise ValidationError({"model": [_("A new vehicle needs its model.")]})
    if not owner_phone.strip():
        raise ValidationError({"owner_phone": [_("A new vehicle needs its owner's phone number.")]})
    try:
        with transaction.atomic():
            owner = (
                User.objects.filter(phone=owner_phone.strip(), is_active=True)
                .order_by("pk")
                .first()
            )
            if owner is None:
                # The owner can claim this account later (password reset by phone); no login
                # until then.
                owner = User(username=f"walkin-{vin.lower()}", phone=owner_phone.strip())
                owner.first_name = owner_name.strip()[:150]
                owner.set_unusable_password()
                owner.save()
            return vehicle_create(owner=owner, vin=vin, model=model, plate=plate)
    except (IntegrityError, ValidationError):
        # Two desks registering the same new car at once: the second insert waited for the
        # first and was refused; the car now exists, so both walk-ins use it.
        existing = _known_vehicle(vin)
        if existing is None:
            raise
        return existing


def _waiting(draft: Booking, services: Sequence[ServiceType], now: datetime) -> Booking:
    """Into the waiting line: no bay yet (the queue estimates when one frees up)."""
    draft.reference = new_reference()
    draft.end = now + booking_duration(services)
    draft.bay_released_at = draft.end
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as exc:
        raise VehicleBusy() from exc
    return draft


@transaction.atomic
def walk_in_register(
    *,
    outlet: Outlet,
    actor: User,
    vin: str,
    service_codes: Sequence[str],
    model_code: str | None = None,
    plate: str = "",
    owner_phone: str = "",
    owner_name: str = "",
    notes: str = "",
    now: datetime | None = None,
) -> Booking:
    """A car that arrived without booking: into the first free suitable bay from now, or the
    waiting line (no bay yet) when none is free. Creates the vehicle if its VIN is new."""
    now = now or timezone.now()
    vehicle = _walk_in_vehicle(
        vin=vin,
        model_code=model_code,
        plate=plate,
        owner_phone=owner_phone,
        owner_name=owner_name,
    )
    services = service_types_by_code(service_codes)
    with fields_renamed({"vehicle": "vin"}):
        check_servable(outlet=outlet, services=services, brand=vehicle.model.brand)
    recalls = recall_claim_for_booking(vehicle=vehicle, services=services)
    free = recalls.free_service_ids

    def draft() -> Booking:
        return Booking(
            owner=vehicle.owner,
            vehicle=vehicle,
            outlet=outlet,
            start=now,
            mode=Booking.Mode.WAIT,
            channel=Booking.Channel.WALK_IN,
            status=Booking.Status.CHECKED_IN,
            checked_in_at=now,
            notes=notes,
            price_total=price_total(services, free=free),
            holds_recalls=bool(recalls.rows),
        )

    try:
        with transaction.atomic():
            booking = reserve_bay(booking=draft(), services=services)
    except SlotTaken:
        booking = _waiting(draft(), services, now)
    add_services(booking, services, free=free)
    recall_mark_booked(
        claim=recalls, vehicle=vehicle, outlet=outlet, booking_reference=booking.reference
    )
    record_event(
        booking,
        kind=BookingEvent.Kind.WALK_IN,
        actor=actor,
        to_status=booking.status,
        bay=booking.bay.name if booking.bay else None,
        waiting=booking.bay is None,
    )
    return booking
