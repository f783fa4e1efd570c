"""Writes on bookings: the state machine, create, reschedule, cancel, walk-ins, feedback.

Every change locks the booking row, checks the rule, writes an append-only BookingEvent and
records its notifications in the same transaction (the outbox), so that a rolled-back change
leaves no trace and a committed one is never without its messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from hima_service.exceptions import Conflict, InvalidTransition, RuleViolation, SlotTaken
from outlets.models import Bay, Outlet, ServiceType
from outlets.selectors import service_types_by_code
from vehicles.models import OdometerReading, Vehicle
from vehicles.services import vehicle_update

from .models import Booking, BookingEvent, BookingService, Feedback

Status = Booking.Status

# The allowed status pipeline, as data: nothing else is possible.
ALLOWED: dict[str, frozenset[str]] = {
    Status.CONFIRMED: frozenset({Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.IN_SERVICE}),
    Status.IN_SERVICE: frozenset({Status.READY}),
    Status.READY: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}
# Which timestamp each status stamps when it is entered.
STAMPS = {
    Status.CHECKED_IN: "checked_in_at",
    Status.IN_SERVICE: "started_at",
    Status.READY: "ready_at",
    Status.COMPLETED: "completed_at",
}
OWNER_CHANGE_DEADLINE = timedelta(hours=2)
NO_SHOW_AFTER = timedelta(minutes=30)


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("outlet", "vehicle__model__brand", "owner", "bay")
        .get(pk=booking.pk)
    )


def _event(
    booking: Booking,
    *,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    **details: Any,
) -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


@transaction.atomic
def booking_transition(
    *,
    booking: Booking,
    to: str,
    actor: User | None,
    reason: str = "",
    now: datetime | None = None,
    **details: Any,
) -> Booking:
    """Move a booking along ALLOWED; locks the booking row. Raises InvalidTransition."""
    from . import notifications

    locked = _lock(booking)
    if to not in ALLOWED[locked.status]:
        raise InvalidTransition(locked.status, to)
    now = now or timezone.now()
    previous = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if to in STAMPS:
        setattr(locked, STAMPS[to], now)
        fields.append(STAMPS[to])
    if to == Status.CANCELLED:
        locked.cancel_reason = reason[:255]
        fields.append("cancel_reason")
    for field, value in details.pop("set_fields", {}).items():
        setattr(locked, field, value)
        fields.append(field)
    locked.save(update_fields=fields)
    _event(
        locked,
        kind="status",
        actor=actor,
        from_status=previous,
        to_status=to,
        **({"reason": reason} if reason else {}),
        **details,
    )
    hook = {
        Status.CANCELLED: notifications.notify_booking_cancelled,
        Status.READY: notifications.notify_booking_ready,
        Status.COMPLETED: notifications.notify_booking_completed,
    }.get(to)
    if hook:
        hook(booking=locked)
    return locked


def _check_mode(*, outlet: Outlet, mode: str, pickup_address: str, start: datetime) -> None:
    if mode in Booking.PICKUP_MODES and not pickup_address.strip():
        raise ValidationError({"pickup_address": ["Pickup modes need the address to collect at."]})
    if mode != Booking.Mode.NIGHT_SERVICE:
        return
    if not outlet.night_service:
        raise ValidationError({"mode": ["This outlet does not offer the Starry Night Service."]})
    local_start = start.astimezone(outlet_zone(outlet))
    if local_start.hour < NIGHT_SERVICE_FROM_HOUR:
        raise ValidationError(
            {"start": [f"Night service cars are collected from {NIGHT_SERVICE_FROM_HOUR}:00 on."]}
        )


NIGHT_SERVICE_FROM_HOUR = 18


def outlet_zone(outlet: Outlet) -> ZoneInfo:
    return ZoneInfo(outlet.time_zone)


def _local_iso(booking: Booking, moment: datetime) -> str:
    """How an instant reads at the outlet: events and messages quote the outlet's clock."""
    return moment.astimezone(outlet_zone(booking.outlet)).isoformat()


def _check_night_capacity(
    *, outlet: Outlet, start: datetime, exclude: Booking | None = None
) -> None:
    """Night-service cars per night stay within the outlet's capacity. Locks the outlet row so
    that two concurrent night bookings cannot both take the last place."""
    Outlet.objects.select_for_update().filter(pk=outlet.pk).first()
    zone = outlet_zone(outlet)
    day = start.astimezone(zone).date()
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    # A night's places are taken by every car that came or will come that night, finished
    # ones included; only cancelled and no-show bookings give a place back.
    taken = Booking.objects.filter(
        outlet=outlet,
        mode=Booking.Mode.NIGHT_SERVICE,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
    ).exclude(status__in=[Status.CANCELLED, Status.NO_SHOW])
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.count() >= outlet.night_capacity:
        raise RuleViolation(
            "The Starry Night Service is fully booked that night.", fields={"start": ["Full."]}
        )


@transaction.atomic
def booking_create(
    *,
    owner: User,
    vehicle: Vehicle,
    outlet: Outlet,
    service_codes: Sequence[str],
    start: datetime,
    mode: str = Booking.Mode.DROP_OFF,
    pickup_address: str = "",
    notes: str = "",
    channel: str = Booking.Channel.ONLINE,
    actor: User | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a vehicle in at an outlet (rules 1–3): validated against hours and catalog, then
    inserted through the reservation core, where PostgreSQL forbids any overlap."""
    from bookings.availability import validate_bookable

    from . import notifications
    from .reservation import reserve_bay

    if vehicle.owner_id != owner.pk:
        raise ValidationError({"vehicle": ["Unknown vehicle."]})
    services = service_types_by_code(service_codes)
    validate_bookable(outlet=outlet, services=services, start=start, vehicle=vehicle, now=now)
    _check_mode(outlet=outlet, mode=mode, pickup_address=pickup_address, start=start)
    if mode == Booking.Mode.NIGHT_SERVICE:
        _check_night_capacity(outlet=outlet, start=start)
    booking = Booking(
        owner=owner,
        vehicle=vehicle,
        outlet=outlet,
        start=start,
        mode=mode,
        pickup_address=pickup_address.strip() if mode in Booking.PICKUP_MODES else "",
        notes=notes,
        channel=channel,
        price_total=sum((s.price for s in services), 0),
    )
    booking = reserve_bay(booking=booking, services=services)
    _add_services(booking, services)
    _event(
        booking,
        kind="created",
        actor=actor or owner,
        to_status=booking.status,
        start=_local_iso(booking, booking.start),
        bay=booking.bay.name if booking.bay else None,
        channel=channel,
    )
    notifications.notify_booking_created(booking=booking)
    return booking


def _add_services(booking: Booking, services: Sequence[ServiceType]) -> None:
    BookingService.objects.bulk_create(
        BookingService(
            booking=booking, service_type=s, labour_minutes=s.labour_minutes, price=s.price
        )
        for s in services
    )


def _check_owner_deadline(*, booking: Booking, actor: User, now: datetime, action: str) -> None:
    """Owners may change a booking until 2 h before its start; staff may override (rule 5)."""
    from .access import may_run

    if may_run(actor, booking):
        return
    if booking.start - now < OWNER_CHANGE_DEADLINE:
        raise RuleViolation(
            f"Bookings can be {action} online until 2 hours before the start; "
            "please call the outlet.",
            fields={"start": ["Less than 2 hours before the start."]},
        )


@transaction.atomic
def booking_reschedule(
    *, booking: Booking, start: datetime, actor: User, now: datetime | None = None
) -> Booking:
    """Move a confirmed booking to a new start. Atomic: the old time is released only if the
    new one is won (the reservation core updates the row in place under the constraint)."""
    from bookings.availability import validate_bookable

    from . import notifications
    from .reservation import move_booking

    now = now or timezone.now()
    locked = _lock(booking)
    if locked.status != Status.CONFIRMED:
        raise InvalidTransition(locked.status, "rescheduled")
    _check_owner_deadline(booking=locked, actor=actor, now=now, action="rescheduled")
    services = [bs.service_type for bs in locked.booking_services.select_related("service_type")]
    validate_bookable(
        outlet=locked.outlet, services=services, start=start, vehicle=locked.vehicle, now=now
    )
    _check_mode(
        outlet=locked.outlet, mode=locked.mode, pickup_address=locked.pickup_address, start=start
    )
    if locked.mode == Booking.Mode.NIGHT_SERVICE:
        _check_night_capacity(outlet=locked.outlet, start=start, exclude=locked)
    previous_start = locked.start
    moved = move_booking(booking=locked, start=start)
    _event(
        moved,
        kind="rescheduled",
        actor=actor,
        from_status=moved.status,
        to_status=moved.status,
        previous_start=_local_iso(moved, previous_start),
        start=_local_iso(moved, moved.start),
        bay=moved.bay.name if moved.bay else None,
    )
    notifications.notify_booking_rescheduled(booking=moved)
    return moved


@transaction.atomic
def booking_cancel(
    *, booking: Booking, actor: User, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel before check-in; owners until 2 h before the start, staff at any time."""
    now = now or timezone.now()
    locked = _lock(booking)
    if locked.status != Status.CONFIRMED:
        raise InvalidTransition(locked.status, Status.CANCELLED)
    _check_owner_deadline(booking=locked, actor=actor, now=now, action="cancelled")
    return booking_transition(booking=locked, to=Status.CANCELLED, actor=actor, reason=reason)


@transaction.atomic
def booking_check_in(
    *, booking: Booking, actor: User, odometer_km: int | None = None, now: datetime | None = None
) -> Booking:
    """The car has arrived, on its booking's day at the outlet (a car that comes days early
    is a new visit, not this booking). An odometer reading taken at the desk is recorded."""
    now = now or timezone.now()
    locked = _lock(booking)
    if Status.CHECKED_IN not in ALLOWED[locked.status]:
        raise InvalidTransition(locked.status, Status.CHECKED_IN)
    zone = outlet_zone(locked.outlet)
    if now.astimezone(zone).date() < locked.start.astimezone(zone).date():
        raise RuleViolation(
            "Check-in opens on the booking's day; reschedule it to come earlier.",
            fields={"start": ["The booking is on a later day."]},
        )
    locked = booking_transition(booking=locked, to=Status.CHECKED_IN, actor=actor, now=now)
    if odometer_km is not None:
        vehicle_update(
            vehicle=locked.vehicle,
            odometer_km=odometer_km,
            odometer_source=OdometerReading.Source.SERVICE,
        )
    return locked


@transaction.atomic
def booking_start(
    *, booking: Booking, actor: User, bay: Bay | None = None, now: datetime | None = None
) -> Booking:
    """Work begins: confirms the booked bay, or assigns one (a waiting walk-in, or staff moving
    the car to another bay) through the reservation core, so no bay is ever double-booked."""
    from .reservation import move_booking

    now = now or timezone.now()
    locked = _lock(booking)
    if Status.IN_SERVICE not in ALLOWED[locked.status]:
        raise InvalidTransition(locked.status, Status.IN_SERVICE)
    if bay is not None and bay.outlet_id != locked.outlet_id:
        raise ValidationError({"bay": ["This bay belongs to another outlet."]})
    booked_start, booked_bay_id = locked.start, locked.bay_id
    moves_bay = locked.bay_id is None or (bay is not None and bay.pk != locked.bay_id)
    if not moves_bay and now >= locked.start:
        # On time or late on the booked bay: the reservation stands. An overrun into the next
        # booking is a real delay the queue's estimates show, not a reason to refuse the work.
        return booking_transition(
            booking=locked, to=Status.IN_SERVICE, actor=actor, now=now, bay=locked.bay.name
        )
    # Early, or on another bay: the bay is used from now for the standard duration, so the
    # reservation moves there through the guarded path (a car started early must not run into
    # the bay's previous booking). The booked time is kept in the event.
    target = bay or (None if moves_bay else locked.bay)
    try:
        locked = move_booking(booking=locked, start=now, bay=target)
    except SlotTaken as exc:
        where = f"Bay {target.name} is" if target else "Every suitable bay is"
        raise SlotTaken(
            f"{where} held by another booking before this work would end; "
            "choose another bay or wait.",
            fields={"bay": ["Busy during this work."]},
        ) from exc
    if locked.bay_id != booked_bay_id:
        _event(locked, kind="bay_assigned", actor=actor, bay=locked.bay.name)
    return booking_transition(
        booking=locked,
        to=Status.IN_SERVICE,
        actor=actor,
        now=now,
        bay=locked.bay.name,
        booked_start=_local_iso(locked, booked_start),
    )


@transaction.atomic
def booking_ready(*, booking: Booking, actor: User, now: datetime | None = None) -> Booking:
    """Work is done and the car waits for its owner; the owner is told."""
    return booking_transition(booking=booking, to=Status.READY, actor=actor, now=now)


@transaction.atomic
def booking_complete(
    *,
    booking: Booking,
    actor: User,
    checklist: dict[str, list[str]],
    actual_labour_minutes: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """Close the service record: every item of every service's standard checklist must be
    ticked (`checklist` maps service code → ticked items); actual labour time is recorded."""
    now = now or timezone.now()
    locked = _lock(booking)
    if Status.COMPLETED not in ALLOWED[locked.status]:
        raise InvalidTransition(locked.status, Status.COMPLETED)
    lines = list(locked.booking_services.select_related("service_type"))
    problems: dict[str, list[str]] = {}
    unknown = set(checklist) - {line.service_type.code for line in lines}
    if unknown:
        problems["checklist"] = [f"Not on this booking: {', '.join(sorted(unknown))}."]
    for line in lines:
        standard = list(line.service_type.checklist)
        ticked = set(checklist.get(line.service_type.code, []))
        missing = [item for item in standard if item not in ticked]
        extra = sorted(ticked - set(standard))
        if missing:
            problems.setdefault("checklist", []).append(
                f"{line.service_type.code}: not ticked: {'; '.join(missing)}."
            )
        if extra:
            problems.setdefault("checklist", []).append(
                f"{line.service_type.code}: not on the standard checklist: {'; '.join(extra)}."
            )
        line.checklist_result = [{"item": item, "done": True} for item in standard]
    if problems:
        raise ValidationError(problems)
    BookingService.objects.bulk_update(lines, ["checklist_result"])
    if actual_labour_minutes is None and locked.started_at and locked.ready_at:
        actual_labour_minutes = round((locked.ready_at - locked.started_at).total_seconds() / 60)
    return booking_transition(
        booking=locked,
        to=Status.COMPLETED,
        actor=actor,
        now=now,
        set_fields={"actual_labour_minutes": actual_labour_minutes},
        actual_labour_minutes=actual_labour_minutes,
    )


@transaction.atomic
def booking_mark_no_show(
    *, booking: Booking, actor: User | None, now: datetime | None = None
) -> Booking:
    """Not checked in 30 minutes after the start: the bay is released."""
    now = now or timezone.now()
    locked = _lock(booking)
    if locked.status == Status.CONFIRMED and now < locked.start + NO_SHOW_AFTER:
        raise RuleViolation(
            "A booking becomes a no-show only 30 minutes after its start.",
            fields={"start": ["Too early to mark a no-show."]},
        )
    return booking_transition(
        booking=locked,
        to=Status.NO_SHOW,
        actor=actor,
        now=now,
        reason="not checked in 30 min after start",
    )


@transaction.atomic
def feedback_leave(*, booking: Booking, owner: User, rating: int, comment: str = "") -> Feedback:
    """Once per completed booking, by its owner."""
    locked = _lock(booking)
    if locked.owner_id != owner.pk:
        raise ValidationError({"booking": ["Only the owner can rate this service."]})
    if locked.status != Status.COMPLETED:
        raise Conflict("Only a completed service can be rated.")
    feedback = Feedback(booking=locked, rating=rating, comment=comment)
    feedback.full_clean(exclude=["booking"])
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise Conflict("This service has already been rated.") from exc
    _event(locked, kind="feedback", actor=owner, rating=rating)
    return feedback


def _walk_in_vehicle(
    *, vin: str, model_code: str | None, plate: str, owner_phone: str, owner_name: str
) -> Vehicle:
    from vehicles.models import VehicleModel
    from vehicles.services import vehicle_create
    from vehicles.vin import normalize_vin

    try:
        vin = normalize_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from exc
    existing = Vehicle.objects.select_related("model__brand", "owner").filter(vin=vin).first()
    if existing is not None:
        return existing
    model = VehicleModel.objects.filter(code=model_code or "").first()
    if model is None:
        raise ValidationError({"model": ["A new vehicle needs its model."]})
    if not owner_phone.strip():
        raise ValidationError({"owner_phone": ["A new vehicle needs its owner's phone number."]})
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
        existing = Vehicle.objects.select_related("model__brand", "owner").filter(vin=vin).first()
        if existing is None:
            raise
        return existing


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
    from .reservation import booking_duration, reserve_bay

    now = now or timezone.now()
    vehicle = _walk_in_vehicle(
        vin=vin,
        model_code=model_code,
        plate=plate,
        owner_phone=owner_phone,
        owner_name=owner_name,
    )
    services = service_types_by_code(service_codes)
    if not outlet.brands.filter(pk=vehicle.model.brand_id).exists():
        raise ValidationError(
            {"vin": [f"This outlet is not authorized for {vehicle.model.brand.name}."]}
        )
    offered = set(
        outlet.services.filter(pk__in=[s.pk for s in services]).values_list("code", flat=True)
    )
    if missing := [s.code for s in services if s.code not in offered]:
        raise ValidationError({"services": [f"Not offered here: {', '.join(missing)}."]})
    needed = sorted({s.capability for s in services})
    if not outlet.bays.filter(is_active=True, capabilities__contains=needed).exists():
        raise ValidationError({"services": ["No bay here can do all of these services."]})

    def draft() -> Booking:
        return Booking(
            owner=vehicle.owner,
            vehicle=vehicle,
            outlet=outlet,
            start=now,
            mode=Booking.Mode.WAIT,
            channel=Booking.Channel.WALK_IN,
            status=Status.CHECKED_IN,
            checked_in_at=now,
            notes=notes,
            price_total=sum((s.price for s in services), 0),
        )

    try:
        with transaction.atomic():
            booking = reserve_bay(booking=draft(), services=services)
    except SlotTaken:
        from .references import new_reference

        booking = draft()
        booking.reference = new_reference()
        booking.end = now + booking_duration(services)
        booking.bay_released_at = booking.end
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as exc:
            from hima_service.exceptions import VehicleBusy

            raise VehicleBusy() from exc
    _add_services(booking, services)
    _event(
        booking,
        kind="walk_in",
        actor=actor,
        to_status=booking.status,
        bay=booking.bay.name if booking.bay else None,
        waiting=booking.bay is None,
    )
    return booking
