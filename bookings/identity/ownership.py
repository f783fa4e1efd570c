"""Claiming a car: its owner verified by a code to the phone in the brand's delivery record, or
by outlet staff checking the registration certificate at the counter (DESIGN.md "Identity and
trust"). vehicles.ownership verifies the owner's row and releases every other holder's; this
module does what a release means for bookings and people: the losing holders' future bookings
are cancelled and they are told why, and a counter customer's visits of the car go to its
owner.

A visit in progress (checked in, in service, ready) stays with the holder it belongs to: a
seller's booked visit holds the seller's notes and address, and the outlet settles it with
them. One exception: the walk-in at which staff checked the registration certificate goes to
the person verified there. They brought the car to the counter; the walk-in was attached to the
previous owner only because the car was verified to them, and it carries nothing of theirs."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.codes import IssuedCode, code_check, code_issue
from accounts.masking import mask_phone, masked_name_of
from accounts.models import OneTimeCode, User
from accounts.phones import normalize_phone, same_phone
from hima_service.exceptions import Conflict, RuleViolation
from outlets.models import Outlet
from recalls.models import AffectedVehicle
from vehicles.models import Vehicle
from vehicles.ownership import (
    OwnerVerified,
    latest_delivery_record,
    names_a_phone,
    vehicle_owner_verify,
    verified_vehicle,
)
from vehicles.services import HOW_TO_CLAIM, VehicleVerifiedElsewhere

from ..lifecycle.status import booking_transition
from ..models import Booking, Notification
from ..notify.identity import notify_code, notify_vehicle_released
from ..notify.status import notifications_skip_pending

Via = Vehicle.VerifiedVia
VISIT_STATUSES = [Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE, Booking.Status.READY]
NO_RECORD = gettext_lazy(
    "The brand has no delivery record of this car. Show its registration certificate (行驶证) "
    "at the counter of any outlet to verify that it is yours."
)


def _release_reason(holder: User) -> str:
    with translation.override(holder.language):
        return _("The car's owner was verified; it is no longer among your vehicles.")


def _move_counter_visits(released: Vehicle, owned: Vehicle) -> None:
    """A counter customer's visits of the car are its owner's history: they move with it.
    When the owner's car is busy at the same time (a constraint says no), they stay."""
    try:
        with transaction.atomic():
            Booking.objects.filter(vehicle=released).update(owner=owned.owner, vehicle=owned)
    except IntegrityError:
        return


@transaction.atomic
def vehicle_claim(*, owner: User, vin: str, via: str, template: Vehicle, **how) -> OwnerVerified:
    """Verify `owner` as the car's owner (vehicles.ownership.vehicle_owner_verify, which takes
    the VIN's lock), then for each released row: its future bookings are cancelled and its
    holder told; a counter customer's visits move to the owner. The car's recall rows follow
    the verified owner."""
    result = vehicle_owner_verify(owner=owner, vin=vin, via=via, template=template, **how)
    for released in result.released:
        holder = User.objects.get(pk=released.owner_id)
        if holder.is_counter_customer:
            _move_counter_visits(released, result.vehicle)
            continue
        reason = _release_reason(holder)
        for booking in Booking.objects.filter(vehicle=released, status=Booking.Status.CONFIRMED):
            booking_transition(
                booking=booking, to=Booking.Status.CANCELLED, actor=None, reason=reason
            )
        notify_vehicle_released(vehicle=released, holder=holder)
    AffectedVehicle.objects.filter(
        vin=vin, campaign__brand_id=result.vehicle.model.brand_id
    ).update(vehicle=result.vehicle)
    return result


# --- by a code to the phone in the delivery record --------------------------------------------


@dataclass(frozen=True)
class CodeSent:
    issued: IssuedCode
    sent_to: str  # masked


@transaction.atomic
def vehicle_code_request(*, user: User, vehicle: Vehicle) -> CodeSent:
    """Send a code to the phone in the brand's latest delivery record of the user's car."""
    if vehicle.is_verified:
        raise Conflict(_("You are already this car's verified owner."))
    record = latest_delivery_record(vin=vehicle.vin, brand_id=vehicle.model.brand_id)
    if record is None or not names_a_phone(record):
        raise RuleViolation(str(NO_RECORD))
    verified = verified_vehicle(vehicle.vin)
    if verified is not None and record.uploaded_at <= (verified.verified_at or record.uploaded_at):
        # Verified to someone since this record: a code to its phone proves nothing new.
        raise VehicleVerifiedElsewhere(str(HOW_TO_CLAIM))
    issued = code_issue(
        user=user,
        purpose=OneTimeCode.Purpose.VEHICLE,
        target=record.buyer_phone,
        subject=str(vehicle.pk),
    )
    notify_code(issued=issued, channel=Notification.Channel.SMS, vehicle=vehicle)
    return CodeSent(issued=issued, sent_to=mask_phone(record.buyer_phone))


def vehicle_code_confirm(*, user: User, vehicle: Vehicle, code: str) -> OwnerVerified:
    """Prove the car is the user's with the code; the code is checked first, outside the
    transaction, so a wrong try stays counted."""
    row = code_check(
        user=user, purpose=OneTimeCode.Purpose.VEHICLE, code=code, subject=str(vehicle.pk)
    )
    record = latest_delivery_record(vin=vehicle.vin, brand_id=vehicle.model.brand_id)
    if record is None or not same_phone(record.buyer_phone, row.target):
        raise ValidationError(
            {"code": [_("The brand's delivery record changed; ask for a new code.")]}
        )
    return vehicle_claim(
        owner=user,
        vin=vehicle.vin,
        via=Via.DELIVERY_RECORD,
        template=vehicle,
        delivery_record=record,
    )


# --- at the counter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterVerified:
    result: OwnerVerified
    owner_name: str  # masked, for staff to confirm with the person
    owner_phone: str  # masked


def _visit(outlet: Outlet, reference: str) -> Booking:
    booking = (
        Booking.objects.select_related("vehicle__model__brand")
        .filter(outlet=outlet, reference__iexact=reference.strip(), status__in=VISIT_STATUSES)
        .first()
    )
    if booking is None:
        raise ValidationError({"booking": [_("No car with this reference is at this outlet now.")]})
    return booking


def _person(phone: str) -> User:
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    person = (
        User.objects.filter(
            phone=phone, verified_phone=phone, phone_verified_at__isnull=False, is_active=True
        )
        .order_by("-phone_verified_at")
        .first()
    )
    if person is None:
        raise ValidationError(
            {
                "phone": [
                    _(
                        "No account has verified this phone number. The owner verifies it in "
                        "the app first (a code is sent to it)."
                    )
                ]
            }
        )
    return person


def _walk_in_follows(booking: Booking, result: OwnerVerified) -> None:
    """The walk-in at which the owner was verified becomes theirs, when a previous owner held
    it; that holder's messages of it that still wait are dropped. (A counter customer's visits
    moved in vehicle_claim already.) When the owner's car is busy at the same time (a
    constraint says no), the visit stays."""
    moved = Booking.objects.filter(
        pk=booking.pk, channel=Booking.Channel.WALK_IN, status__in=VISIT_STATUSES
    ).exclude(owner=result.vehicle.owner)
    previous = booking.owner_id
    try:
        with transaction.atomic():
            if not moved.update(owner=result.vehicle.owner, vehicle=result.vehicle):
                return
    except IntegrityError:
        return
    notifications_skip_pending(Notification.objects.filter(booking=booking, recipient_id=previous))


@transaction.atomic
def vehicle_verify_at_counter(
    *, outlet: Outlet, staff: User, booking_reference: str, phone: str
) -> CounterVerified:
    """Staff checked the registration certificate of a car that is at their outlet now: the
    account with that verified phone becomes its verified owner, and the walk-in at which they
    checked it is theirs (the module's docstring says why). Audited (who, when, where:
    vehicles.OwnershipVerification)."""
    booking = _visit(outlet, booking_reference)
    person = _person(phone)
    result = vehicle_claim(
        owner=person,
        vin=booking.vehicle.vin,
        via=Via.COUNTER,
        template=booking.vehicle,
        staff=staff,
        outlet_code=outlet.code,
        booking_reference=booking.reference,
    )
    _walk_in_follows(booking, result)
    return CounterVerified(
        result=result, owner_name=masked_name_of(person), owner_phone=mask_phone(person.phone)
    )
