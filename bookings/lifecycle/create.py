"""Booking a vehicle in, and moving it to another start: rules 2 and 3 from the availability
rules, the mode rules, then the reservation core, where PostgreSQL forbids any overlap; the
event and the notifications in the same transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from outlets.models import Outlet, ServiceType
from pricing.selectors import service_prices
from recalls.services import recall_claim_for_booking, recall_mark_booked
from vehicles.models import Vehicle
from vehicles.selectors import check_owned

from ..access import may_run
from ..availability.rules import validate_bookable
from ..locks import UpcomingAsk, lock_booking, lock_outlet_nights
from ..models import PICKUP_MODES, Booking, BookingEvent, BookingService
from ..notify.outbox import notify_booking_created, notify_booking_rescheduled
from ..reservation import move_booking, reserve_bay
from ..selectors import booking_parts_in_hand
from . import caps
from .desk import desk_check
from .events import new_event, record_event
from .rules import check_mode, check_night_capacity, check_owner_deadline
from .table import check_reschedulable


def standard_prices(
    *, outlet: Outlet, vehicle: Vehicle, services: Sequence[ServiceType], now: datetime
) -> dict[int, Decimal]:
    """The price book's price of each service for this car's model in the outlet's currency,
    on the outlet's today (pricing.selectors): the fixed price the owner was shown before
    booking. One query; PriceMissing (400) for a service the book cannot price there."""
    return service_prices(
        services=services,
        model_id=vehicle.model_id,
        currency=outlet.currency,
        on=outlet.local_day(now),
    )


def service_lines(
    booking: Booking,
    services: Sequence[ServiceType],
    *,
    prices: Mapping[int, Decimal],
    free: Collection[int] = (),
) -> list[BookingService]:
    """The booking's service lines, unsaved, with the standard time as it is now and the
    standard `prices` (standard_prices); the services in `free` (an affected vehicle's recall
    fix) cost nothing."""
    return [
        BookingService(
            booking=booking,
            service_type=s,
            labour_minutes=s.labour_minutes,
            price=Decimal(0) if s.pk in free else prices[s.pk],
        )
        for s in services
    ]


def add_services(
    booking: Booking,
    services: Sequence[ServiceType],
    *,
    prices: Mapping[int, Decimal],
    free: Collection[int] = (),
) -> list[BookingService]:
    """service_lines, inserted."""
    return BookingService.objects.bulk_create(
        service_lines(booking, services, prices=prices, free=free)
    )


def price_total(
    services: Sequence[ServiceType], *, prices: Mapping[int, Decimal], free: Collection[int] = ()
) -> Decimal:
    """What the visit costs at standard prices, the services in `free` at nothing."""
    return sum((prices[s.pk] for s in services if s.pk not in free), Decimal(0))


@transaction.atomic
def booking_create(
    *,
    owner: User,
    vehicle: Vehicle,
    outlet: Outlet,
    services: Sequence[ServiceType],
    start: datetime,
    mode: str = Booking.Mode.DROP_OFF,
    pickup_address: str = "",
    notes: str = "",
    channel: str = Booking.Channel.ONLINE,
    actor: User | None = None,
    now: datetime | None = None,
    desk_override_reason: str = "",
) -> Booking:
    """Book a vehicle in at an outlet (rules 1–3) for `services`, the active service types
    the caller looked up (outlets.selectors): validated against hours and catalog, then
    inserted through the reservation core, where PostgreSQL forbids any overlap. The booking
    returned carries its service lines, event and notifications (bookings.selectors
    `booking_parts_in_hand`), so its representation needs no second read.

    An owner's own booking (not staff's) is capped (bookings.lifecycle.caps): the hour's
    creates, then the upcoming bookings of the car and of the account, counted under the
    owner's row lock (taken with the outlet's share lock, counted with the bays: no round trip
    of their own). At a full service desk (bookings.lifecycle.desk) the owner is refused and
    staff pass with `desk_override_reason`, recorded as a desk_override event."""
    now = now or timezone.now()
    check_owned(vehicle=vehicle, owner=owner)
    services = list(services)
    prices = standard_prices(outlet=outlet, vehicle=vehicle, services=services, now=now)
    upcoming = None
    if capped := caps.made_by_owner(owner=owner, channel=channel, actor=actor):
        caps.check_rate(scope=caps.CREATE, user=owner, now=now)
        upcoming = UpcomingAsk(owner_id=owner.pk, vehicle_id=vehicle.pk, now=now)
    if mode == Booking.Mode.NIGHT_SERVICE:
        # The night lock (outlet FOR UPDATE) before the share locks below: two transactions
        # holding the row FOR SHARE and then both asking FOR UPDATE would deadlock.
        lock_outlet_nights(outlet.pk)
    # hold: the day and the capable bays are read under their share locks once, here, and
    # the reservation core trusts that read instead of repeating it.
    held = validate_bookable(
        outlet=outlet,
        services=services,
        start=start,
        vehicle=vehicle,
        now=now,
        hold=True,
        upcoming=upcoming,
    )
    if held is not None and held.upcoming is not None:
        caps.check_upcoming(upcoming=held.upcoming, owner=owner, vehicle_id=vehicle.pk, now=now)
    check_mode(outlet=outlet, mode=mode, pickup_address=pickup_address, start=start)
    if mode == Booking.Mode.NIGHT_SERVICE:
        check_night_capacity(outlet=outlet, start=start)
    recalls = recall_claim_for_booking(vehicle=vehicle, services=services)
    desk = desk_check(outlet=outlet, start=start, by_staff=not capped, reason=desk_override_reason)
    booking = Booking(
        owner=owner,
        vehicle=vehicle,
        outlet=outlet,
        start=start,
        mode=mode,
        pickup_address=pickup_address.strip() if mode in PICKUP_MODES else "",
        notes=notes,
        channel=channel,
        price_total=price_total(services, prices=prices, free=recalls.free_service_ids),
        holds_recalls=bool(recalls.rows),
    )
    booking = reserve_bay(booking=booking, services=services, held=held)
    lines = service_lines(booking, services, prices=prices, free=recalls.free_service_ids)
    event = new_event(
        booking,
        kind=BookingEvent.Kind.CREATED,
        actor=actor or owner,
        to_status=booking.status,
        start=outlet.local_iso(booking.start),
        bay=booking.bay.name if booking.bay else None,
        channel=channel,
    )
    BookingService.objects.bulk_create(lines)
    event.save(force_insert=True)
    events = [event]
    if desk is not None:
        events.append(
            record_event(booking, kind=BookingEvent.Kind.DESK_OVERRIDE, actor=actor, **desk)
        )
    recall_mark_booked(
        claim=recalls, vehicle=vehicle, outlet=outlet, booking_reference=booking.reference
    )
    notifications = notify_booking_created(booking=booking)
    if capped:
        caps.record_rate(scope=caps.CREATE, user=owner, now=now)
    return booking_parts_in_hand(
        booking, lines=lines, events=events, notifications=notifications, feedback=None
    )


@transaction.atomic
def booking_reschedule(
    *,
    booking: Booking,
    start: datetime,
    actor: User,
    now: datetime | None = None,
    desk_override_reason: str = "",
) -> Booking:
    """Move a confirmed booking to a new start. Locks the booking row. Atomic: the old time is
    released only if the new one is won (the reservation core updates the row in place under
    the constraint). The owner's own moves are limited per hour (bookings.lifecycle.caps); staff's
    are not."""
    now = now or timezone.now()
    capped = not may_run(actor, booking)
    if capped:
        caps.check_rate(scope=caps.RESCHEDULE, user=actor, now=now)
    locked = lock_booking(booking.pk)
    check_reschedulable(locked.status)
    check_owner_deadline(booking=locked, actor=actor, now=now, action="rescheduled")
    outlet = locked.outlet
    lines = list(locked.booking_services.select_related("service_type").order_by("id"))
    services = [line.service_type for line in lines]
    if locked.mode == Booking.Mode.NIGHT_SERVICE:
        lock_outlet_nights(outlet.pk)  # before the share locks, as in booking_create
    held = validate_bookable(
        outlet=outlet,
        services=services,
        start=start,
        vehicle=locked.vehicle,
        now=now,
        hold=True,
        ignore_booking_id=locked.pk,
    )
    check_mode(outlet=outlet, mode=locked.mode, pickup_address=locked.pickup_address, start=start)
    if locked.mode == Booking.Mode.NIGHT_SERVICE:
        check_night_capacity(outlet=outlet, start=start, exclude=locked)
    desk = desk_check(
        outlet=outlet,
        start=start,
        by_staff=not capped,
        reason=desk_override_reason,
        exclude_id=locked.pk,
    )
    previous_start = locked.start
    moved = move_booking(booking=locked, start=start, held=held, lines=lines)
    event = record_event(
        moved,
        kind=BookingEvent.Kind.RESCHEDULED,
        actor=actor,
        from_status=moved.status,
        to_status=moved.status,
        previous_start=outlet.local_iso(previous_start),
        start=outlet.local_iso(moved.start),
        bay=moved.bay.name if moved.bay else None,
    )
    if desk is not None:
        record_event(moved, kind=BookingEvent.Kind.DESK_OVERRIDE, actor=actor, **desk)
    notify_booking_rescheduled(booking=moved, event_id=event.pk)
    if capped:
        caps.record_rate(scope=caps.RESCHEDULE, user=actor, now=now)
    return booking_parts_in_hand(moved, lines=lines)
