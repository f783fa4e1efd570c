"""The reservation core: win a bay for a time so that PostgreSQL itself forbids double booking.

Every write that gives a booking a time or a bay goes through here. The application only
*orders* the bays (best fit first, known-busy ones skipped with one query); what decides is the
exclusion constraint `booking_no_bay_overlap`, checked by the INSERT or UPDATE inside a
savepoint. When it refuses, the savepoint is rolled back and the next bay is tried; when no bay
is left the caller gets SlotTaken. Two requests racing for one bay therefore cannot both win,
whatever the timing: the second waits for the first transaction and then is refused.

Rules 2 and 3 (hours, lead time, brand, services) are checked by the caller first with
`bookings.availability.rules.validate_bookable`; this module does not repeat them, so staff
paths can override the customer-facing rules without bypassing the guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hima_service.exceptions import Conflict, CrewUnavailable, SlotTaken
from outlets.catalog import booking_duration, needed_capabilities
from outlets.models import Bay, Closure, Outlet, ServiceType, capability_labels
from vehicles.models import Vehicle

from .constraints import CREW_OVERLAP, require_transaction, win
from .crews import crews_for_write
from .locks import (
    HeldDay,
    lock_outlet_day,
    share_lock_bay,
    share_lock_capable_bays,
    share_lock_outlet,
)
from .models import ACTIVE_STATUSES, Booking, BookingService
from .references import new_reference


def _times(
    *, start: dt.datetime, duration: dt.timedelta, outlet: Outlet
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(start, end, bay_released_at). In UTC: `aware + timedelta` in a zoneinfo zone is wall-clock
    arithmetic and would be an hour off across a DST change."""
    if timezone.is_naive(start):
        raise ValidationError({"start": [_("Give the start with its UTC offset.")]})
    start = start.astimezone(dt.UTC)
    end = start + duration
    return start, end, end + dt.timedelta(minutes=outlet.turnover_minutes)


def bay_candidates(
    *,
    outlet: Outlet,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    ignore_booking_id: int | None = None,
) -> list[Bay]:
    """Active bays with every needed capability, best fit (fewest capabilities) first, without
    those already known busy over [start, released); share-locked (bookings.locks), so a bay
    retired meanwhile is not among them. One query; the busy filter is advisory only. The
    caller holds the outlet's share lock first (lock order)."""
    bays = share_lock_capable_bays(
        outlet_id=outlet.pk,
        needed=needed,
        start=start,
        released=released,
        ignore_booking_id=ignore_booking_id,
    )
    return [bay for bay in bays if not bay.busy]


def _held_candidates(
    held: HeldDay | None, *, outlet: Outlet, start: dt.datetime, released: dt.datetime
) -> list[Bay] | None:
    """The free bays of a HeldDay read under the locks for exactly this write, else None."""
    if held is None or (held.outlet_id, held.start, held.released) != (outlet.pk, start, released):
        return None
    return held.free_bays()


def _hold_outlet_open(outlet: Outlet, start: dt.datetime) -> None:
    """Re-check, under a share lock on the outlet, that the day was not closed meanwhile."""
    share_lock_outlet(outlet.pk)
    day = outlet.local_day(start)
    if Closure.objects.filter(outlet_id=outlet.pk, date=day).exists():
        raise ValidationError(
            {
                "start": [
                    _("%(outlet)s is closed on %(day)s.")
                    % {"outlet": outlet.display_name, "day": day}
                ]
            }
        )


def _crews(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    vehicle: Vehicle,
    start: dt.datetime,
    end: dt.datetime,
    ignore_booking_id: int | None = None,
    keep: Sequence[int] = (),
    chosen: Sequence[int] | None = None,
) -> list[list[int]]:
    """The crews to try, best first: [[]] (no crew) at an outlet planned by bays alone; those
    qualified, on shift and free over [start, end) otherwise, the booking's own crew (`keep`)
    first when it still may, or only the crew staff `chosen`. CrewUnavailable when there is
    none. Read after the outlet-day lock (bookings.locks), so the writer before is seen."""
    if not outlet.plans_crews:
        return [[]]
    lock_outlet_day(outlet.pk, outlet.local_day(start))
    crews = [
        list(crew)
        for crew in crews_for_write(
            outlet=outlet,
            services=services,
            brand_id=vehicle.model.brand_id,
            start=start,
            end=end,
            ignore_booking_id=ignore_booking_id,
        )
    ]
    if chosen is not None:
        if list(chosen) not in crews:
            raise CrewUnavailable(
                _("That crew may not do this work now, or is busy before it would end."),
                fields={
                    "crew": [_("Choose a crew that is free and qualified for the whole visit.")]
                },
            )
        return [list(chosen)]
    if list(keep) in crews:
        crews.remove(list(keep))
        crews.insert(0, list(keep))
    if not crews:
        raise CrewUnavailable()
    return crews


def _place(
    booking: Booking, bays: Sequence[Bay], crews: list[list[int]], write: Callable[[], str | None]
) -> Bay:
    """Try the bays in order, each with the crews still untried: the first pair the database
    accepts is kept on `booking`. A crew refused once is dropped (someone in it is taken);
    a bay refused moves on to the next. SlotTaken when no bay is left, CrewUnavailable when a
    bay was free but no crew."""
    crews = list(crews)
    for bay in bays:
        while crews:
            booking.bay, booking.crew = bay, crews[0]
            refused = write()
            if refused is None:
                return bay
            if refused == CREW_OVERLAP:
                crews.pop(0)
                continue
            break  # the bay is taken: the next bay, with the same crews
        if not crews:
            raise CrewUnavailable()
    raise SlotTaken()


def reserve_bay(
    *, booking: Booking, services: Sequence[ServiceType], held: HeldDay | None = None
) -> Booking:
    """Insert an unsaved booking on the best-fit bay the database lets it have.

    Sets `end`, `bay_released_at`, `bay` and (if blank) `reference`, and inserts the booking
    row only: the caller adds its BookingService rows (in the same transaction).
    Raises SlotTaken when every suitable bay is taken, VehicleBusy when the vehicle has another
    active booking then. `held` is what `validate_bookable(hold=True)` read under the outlet
    and bay share locks for these times; without it (or for other times) the outlet is
    share-locked and its day re-checked here, and the bays are read and locked here.

    Call it inside the caller's transaction (its locks last until that commits). It opens no
    transaction of its own: its only write is the INSERT, in a savepoint, so on an exception
    nothing of it remains and the caller's transaction stays usable (a caller may catch
    SlotTaken and do something else).
    """
    require_transaction("reserve_bay")
    if booking.pk is not None:
        raise ValueError("reserve_bay inserts a new booking; use move_booking for a saved one.")
    services = list(services)
    if not services:
        raise ValidationError({"services": [_("Choose at least one service.")]})
    outlet = booking.outlet
    booking.start, booking.end, booking.bay_released_at = _times(
        start=booking.start, duration=booking_duration(services), outlet=outlet
    )
    may_renew_reference = not booking.reference
    if may_renew_reference:
        booking.reference = new_reference()
    candidates = _held_candidates(
        held, outlet=outlet, start=booking.start, released=booking.bay_released_at
    )
    if candidates is None:
        _hold_outlet_open(outlet, booking.start)
        candidates = bay_candidates(
            outlet=outlet,
            needed=needed_capabilities(services),
            start=booking.start,
            released=booking.bay_released_at,
        )

    def insert() -> None:
        booking.pk = None  # a refused INSERT must not leave a half-set primary key behind
        booking.save(force_insert=True)

    def renew_reference() -> None:
        booking.reference = new_reference()

    crews = _crews(
        outlet=outlet,
        services=services,
        vehicle=booking.vehicle,
        start=booking.start,
        end=booking.end,
    )
    try:
        _place(
            booking,
            candidates,
            crews,
            lambda: win(insert, renew_reference=renew_reference if may_renew_reference else None),
        )
    except (SlotTaken, CrewUnavailable):
        booking.bay, booking.crew = None, []
        raise
    return booking


def move_booking(
    *,
    booking: Booking,
    start: dt.datetime,
    bay: Bay | None = None,
    held: HeldDay | None = None,
    lines: Sequence[BookingService] | None = None,
    crew: Sequence[int] | None = None,
) -> Booking:
    """Reschedule and/or reassign a booking through the same guarded path.

    The caller holds the booking's row lock (`bookings.locks.lock_booking`), so its status and
    times are current. The new times follow from its own services' booked labour minutes
    (`lines`, its BookingService rows with their service types, when the caller has them) and
    the time extend_booking added for approved extra work, and the row is UPDATEd in place on
    the first bay (or only `bay`) the exclusion constraint accepts; the row's current time does
    not count against it. `held` is as for reserve_bay
    (read with this booking ignored). If no bay can be won the row is left exactly as it was
    and SlotTaken is raised: the old slot is given up only once the new one is held. Updates
    `booking` in memory and returns it. Like reserve_bay, inside the caller's transaction.
    """
    require_transaction("move_booking")
    if booking.status not in ACTIVE_STATUSES:
        raise Conflict(
            _("A booking that is %(status)s holds no bay and cannot be moved.")
            % {"status": booking.get_status_display()}
        )
    outlet = booking.outlet
    if lines is None:
        lines = list(
            BookingService.objects.filter(booking_id=booking.pk).select_related("service_type")
        )
    # The booked services' time, and any time added since for extra work the owner approved
    # (extension.extend_booking moves `end` later in place): a move keeps the visit's whole
    # length, so an early start or another bay still holds the approved work's time. Nothing
    # else makes a booking longer than its services; a reschedule (before check-in) has none.
    duration = max(booking_duration(lines), booking.end - booking.start)
    needed = needed_capabilities(line.service_type for line in lines)
    new_start, new_end, released = _times(start=start, duration=duration, outlet=outlet)
    candidates = (
        None
        if bay is not None
        else _held_candidates(held, outlet=outlet, start=new_start, released=released)
    )
    if candidates is None:
        _hold_outlet_open(outlet, new_start)
        if bay is not None:
            _check_given_bay(bay, outlet=outlet, needed=needed)
            # Re-read under its share lock: a manager retiring it meanwhile is seen.
            row = share_lock_bay(bay.pk)
            candidates = [bay] if row and row[0] and needed <= set(row[1]) else []
        else:
            candidates = bay_candidates(
                outlet=outlet,
                needed=needed,
                start=new_start,
                released=released,
                ignore_booking_id=booking.pk,
            )
    crews = _crews(
        outlet=outlet,
        services=[line.service_type for line in lines],
        vehicle=booking.vehicle,
        start=new_start,
        end=new_end,
        ignore_booking_id=booking.pk,
        keep=booking.crew,
        chosen=crew,
    )
    now = timezone.now()
    old_bay, old_crew = booking.bay, booking.crew
    placed = Booking(pk=booking.pk)

    def update() -> str | None:
        return win(
            lambda: Booking.objects.filter(pk=booking.pk).update(
                start=new_start,
                end=new_end,
                bay_released_at=released,
                bay=placed.bay,
                crew=placed.crew,
                updated_at=now,
            )
        )

    try:
        bay_won = _place(placed, candidates, crews, update)
    except (SlotTaken, CrewUnavailable):
        booking.bay, booking.crew = old_bay, old_crew
        raise
    booking.start, booking.end, booking.bay_released_at = new_start, new_end, released
    booking.bay, booking.crew, booking.updated_at = bay_won, placed.crew, now
    return booking


def _check_given_bay(bay: Bay, *, outlet: Outlet, needed: set[str]) -> None:
    if bay.outlet_id != outlet.pk or not bay.is_active:
        raise ValidationError(
            {"bay": [_("Choose an active bay of %(outlet)s.") % {"outlet": outlet.display_name}]}
        )
    if missing := needed - set(bay.capabilities):
        raise ValidationError(
            {
                "bay": [
                    _("Bay %(bay)s lacks %(missing)s.")
                    % {"bay": bay.display_name, "missing": capability_labels(missing)}
                ]
            }
        )
