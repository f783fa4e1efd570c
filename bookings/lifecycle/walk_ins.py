"""A car that arrives without booking: the outlet's counter customer's unless its owner is
verified (docs/architecture.md, rule 10), checked against the same catalog, brand and bay
rules as any booking (the availability rules), then put into the first free suitable bay from
now, or into the waiting line when none is free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.counter import counter_customer
from accounts.models import User
from hima_service.exceptions import CrewUnavailable, SlotTaken, VehicleBusy
from outlets.catalog import booking_duration
from outlets.models import Outlet, ServiceType
from outlets.selectors import service_types_by_code
from recalls.services import recall_claim_for_booking, recall_mark_booked
from vehicles.models import Vehicle, VehicleModel
from vehicles.ownership import holders, verified_vehicle
from vehicles.services import VehicleVerifiedElsewhere, vehicle_create
from vehicles.vin import normalize_vin

from ..availability.rules import check_servable, fields_renamed
from ..models import Booking, BookingEvent
from ..references import new_reference
from ..reservation import reserve_bay
from .create import add_services, price_total, standard_prices
from .desk import desk_check
from .events import record_event


def _walk_in_vehicle(*, outlet: Outlet, vin: str, model_code: str | None, plate: str) -> Vehicle:
    """The car the visit is for. Its verified owner's, when it has one; otherwise the outlet's
    counter customer's, until its owner claims it (DESIGN.md "Identity and trust"). Never
    found by a typed phone number, and never an unverified holder's: anyone can type a number
    or add a VIN."""
    try:
        vin = normalize_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from exc
    if (verified := verified_vehicle(vin)) is not None:
        return verified
    counter = counter_customer(outlet_code=outlet.code)
    held = holders(vin).select_related("model__brand", "owner")
    if (mine := held.filter(owner=counter).first()) is not None:
        return mine
    model = VehicleModel.objects.filter(code=model_code or "").first()
    if model is None and (known := held.first()) is not None:
        model = known.model  # the car's model is no one's personal data
    if model is None:
        raise ValidationError({"model": [_("A new vehicle needs its model.")]})
    try:
        with transaction.atomic():
            return vehicle_create(owner=counter, vin=vin, model=model, plate=plate)
    except (IntegrityError, ValidationError, VehicleVerifiedElsewhere):
        # Two desks registering the same new car at once: the second waited for the first
        # (the VIN's lock) and was refused; the car now exists, so both walk-ins use it.
        existing = verified_vehicle(vin) or holders(vin).filter(owner=counter).first()
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
    notes: str = "",
    now: datetime | None = None,
    desk_override_reason: str = "",
) -> Booking:
    """A car that arrived without booking: into the first free suitable bay from now (with a
    free qualified crew where the outlet plans crews), or the waiting line (no bay yet) when
    none is free. The visit is the car's verified owner's, else
    the outlet's counter customer's (see _walk_in_vehicle)."""
    now = now or timezone.now()
    vehicle = _walk_in_vehicle(outlet=outlet, vin=vin, model_code=model_code, plate=plate)
    services = service_types_by_code(service_codes)
    with fields_renamed({"vehicle": "vin"}):
        check_servable(outlet=outlet, services=services, brand=vehicle.model.brand)
    prices = standard_prices(outlet=outlet, vehicle=vehicle, services=services, now=now)
    recalls = recall_claim_for_booking(vehicle=vehicle, services=services)
    free = recalls.free_service_ids
    desk = desk_check(
        outlet=outlet, start=now, by_staff=True, reason=desk_override_reason, walk_in=True
    )

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
            price_total=price_total(services, prices=prices, free=free),
            holds_recalls=bool(recalls.rows),
        )

    try:
        with transaction.atomic():
            booking = reserve_bay(booking=draft(), services=services)
    except (SlotTaken, CrewUnavailable):
        # No bay, or no crew free now: the car waits for one (the queue shows when).
        booking = _waiting(draft(), services, now)
    add_services(booking, services, prices=prices, free=free)
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
    if desk is not None:
        record_event(booking, kind=BookingEvent.Kind.DESK_OVERRIDE, actor=actor, **desk)
    return booking
