"""The reservation core: win a bay for a time so that PostgreSQL itself forbids double booking.

Every write that gives a booking a time or a bay goes through here. The application only
*orders* the bays (best fit first, known-busy ones skipped with one query); what decides is the
exclusion constraint `booking_no_bay_overlap`, checked by the INSERT or UPDATE inside a
savepoint. When it refuses, the savepoint is rolled back and the next bay is tried; when no bay
is left the caller gets SlotTaken. Two requests racing for one bay therefore cannot both win,
whatever the timing: the second waits for the first transaction and then is refused.

Rules 2 and 3 (hours, lead time, brand, services) are checked by the caller first with
`bookings.availability.validate_bookable`; this module does not repeat them, so staff paths can
override the customer-facing rules without bypassing the guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from django.contrib.postgres.fields import RangeBoundary
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Exists, F, Func, IntegerField, OuterRef
from django.utils import timezone

from hima_service.exceptions import Conflict, SlotTaken, VehicleBusy
from outlets.models import Bay, Closure, Outlet, ServiceType

from .models import Booking, BookingService, TsTzRange
from .references import new_reference

BAY_OVERLAP = "booking_no_bay_overlap"
VEHICLE_OVERLAP = "booking_no_vehicle_overlap"
ACTIVE_STATUSES = [str(status) for status in Booking.ACTIVE_STATUSES]
ATTEMPTS = 10
DEADLOCK_DETECTED = "40P01"


def booking_duration(services: Sequence[ServiceType]) -> dt.timedelta:
    """The standard length of a booking: the sum of the services' labour minutes."""
    return dt.timedelta(minutes=sum(service.labour_minutes for service in services))


def _constraint_name(exc: IntegrityError) -> str | None:
    # psycopg names the violated constraint; never parse the message text.
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _times(
    *, start: dt.datetime, duration: dt.timedelta, outlet: Outlet
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(start, end, bay_released_at). In UTC: `aware + timedelta` in a zoneinfo zone is wall-clock
    arithmetic and would be an hour off across a DST change."""
    if timezone.is_naive(start):
        raise ValidationError({"start": ["Give the start with its UTC offset."]})
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
    those already known busy over [start, released). One query; advisory only."""
    # The constraint's own expression and predicate: PostgreSQL answers it from the exclusion
    # constraint's GiST index on (range, bay) instead of reading every booking of each bay.
    busy = Booking.objects.annotate(
        span=TsTzRange("start", "bay_released_at", RangeBoundary())
    ).filter(
        bay=OuterRef("pk"),
        status__in=ACTIVE_STATUSES,
        span__overlap=DateTimeTZRange(start, released),
    )
    if ignore_booking_id is not None:
        busy = busy.exclude(pk=ignore_booking_id)
    return list(
        Bay.objects.filter(outlet=outlet, is_active=True, capabilities__contains=sorted(needed))
        .annotate(
            n_capabilities=Func(
                F("capabilities"), function="cardinality", output_field=IntegerField()
            )
        )
        .exclude(Exists(busy))
        .order_by("n_capabilities", "name", "id")
    )


def _share_lock(model: type, pk: int, columns: str) -> tuple | None:
    """SELECT … FOR SHARE: concurrent reservations do not block each other, but a manager's
    change that holds the row FOR UPDATE (closing a day, retiring a bay) waits for them, and
    they wait for it; whoever comes second sees the other's committed result."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {model._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def _hold_outlet_open(outlet: Outlet, start: dt.datetime) -> None:
    """Re-check, under a share lock on the outlet, that the day was not closed meanwhile."""
    _share_lock(Outlet, outlet.pk, "id")
    day = start.astimezone(ZoneInfo(outlet.time_zone)).date()
    if Closure.objects.filter(outlet_id=outlet.pk, date=day).exists():
        raise ValidationError({"start": [f"{outlet.name} is closed on {day.isoformat()}."]})


def _hold_bay_usable(bay: Bay, needed: set[str]) -> bool:
    """Re-read the bay under a share lock: it may have been retired or stripped meanwhile."""
    row = _share_lock(Bay, bay.pk, "is_active, capabilities")
    return bool(row and row[0] and needed <= set(row[1]))


def _win(write: Callable[[], object], *, renew_reference: Callable[[], None] | None = None) -> bool:
    """Run one INSERT or UPDATE of a booking in a savepoint and let PostgreSQL judge it.

    True when accepted, False when booking_no_bay_overlap refuses it (the bay is taken);
    VehicleBusy for booking_no_vehicle_overlap. On any refusal only the savepoint is lost.
    """
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                write()
        except IntegrityError as exc:
            name = _constraint_name(exc) or ""
            if name == BAY_OVERLAP:
                return False
            if name == VEHICLE_OVERLAP:
                raise VehicleBusy() from exc
            if renew_reference is not None and "reference" in name:
                renew_reference()  # a one-in-a-billion collision: draw again
                continue
            raise
        except OperationalError as exc:
            # An exclusion constraint is checked after the row is written, so two transactions
            # writing overlapping rows at the same instant each wait for the other's row, and
            # PostgreSQL breaks the cycle by failing one with a deadlock. Only our savepoint is
            # lost: try the same bay again; now the other transaction's outcome decides.
            if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            continue
        return True
    return False  # still contended after every attempt: as good as taken


@transaction.atomic
def reserve_bay(*, booking: Booking, services: Sequence[ServiceType]) -> Booking:
    """Insert an unsaved booking on the best-fit bay the database lets it have.

    Sets `end`, `bay_released_at`, `bay` and (if blank) `reference`, and inserts the booking
    row only: the caller adds its BookingService rows (in the same transaction).
    Raises SlotTaken when every suitable bay is taken, VehicleBusy when the vehicle has another
    active booking then. Call it inside the caller's transaction.atomic: on an exception
    nothing of it remains.
    """
    if booking.pk is not None:
        raise ValueError("reserve_bay inserts a new booking; use move_booking for a saved one.")
    services = list(services)
    if not services:
        raise ValidationError({"services": ["Choose at least one service."]})
    outlet = booking.outlet
    booking.start, booking.end, booking.bay_released_at = _times(
        start=booking.start, duration=booking_duration(services), outlet=outlet
    )
    may_renew_reference = not booking.reference
    if may_renew_reference:
        booking.reference = new_reference()
    candidates = bay_candidates(
        outlet=outlet,
        needed={service.capability for service in services},
        start=booking.start,
        released=booking.bay_released_at,
    )

    def insert() -> None:
        booking.pk = None  # a refused INSERT must not leave a half-set primary key behind
        booking.save(force_insert=True)

    def renew_reference() -> None:
        booking.reference = new_reference()

    needed = {service.capability for service in services}
    _hold_outlet_open(outlet, booking.start)
    for bay in candidates:
        if not _hold_bay_usable(bay, needed):
            continue
        booking.bay = bay
        if _win(insert, renew_reference=renew_reference if may_renew_reference else None):
            return booking
    booking.bay = None
    raise SlotTaken()


@transaction.atomic
def move_booking(*, booking: Booking, start: dt.datetime, bay: Bay | None = None) -> Booking:
    """Reschedule and/or reassign a booking through the same guarded path.

    Locks the booking row (SELECT … FOR UPDATE), computes the new times from its own services'
    labour minutes, and UPDATEs it in place on the first bay (or only `bay`) the exclusion
    constraint accepts. The row's current time does not count against it. If no bay can be won
    the row is left exactly as it was and SlotTaken is raised: the old slot is given up only
    once the new one is held. Updates `booking` in memory and returns it.
    """
    locked = (
        Booking.objects.select_for_update(of=("self",)).select_related("outlet").get(pk=booking.pk)
    )
    if locked.status not in ACTIVE_STATUSES:
        raise Conflict(f"A booking that is {locked.status} holds no bay and cannot be moved.")
    lines = list(
        BookingService.objects.filter(booking_id=locked.pk).values_list(
            "labour_minutes", "service_type__capability"
        )
    )
    duration = (
        dt.timedelta(minutes=sum(minutes for minutes, _ in lines))
        if lines
        else locked.end - locked.start
    )
    needed = {capability for _, capability in lines}
    new_start, new_end, released = _times(start=start, duration=duration, outlet=locked.outlet)
    if bay is not None:
        if bay.outlet_id != locked.outlet_id or not bay.is_active:
            raise ValidationError({"bay": [f"Choose an active bay of {locked.outlet.name}."]})
        if not needed <= set(bay.capabilities):
            raise ValidationError(
                {
                    "bay": [
                        f"Bay {bay.name} lacks {', '.join(sorted(needed - set(bay.capabilities)))}."
                    ]
                }
            )
        candidates = [bay]
    else:
        candidates = bay_candidates(
            outlet=locked.outlet,
            needed=needed,
            start=new_start,
            released=released,
            ignore_booking_id=locked.pk,
        )
    now = timezone.now()
    _hold_outlet_open(locked.outlet, new_start)
    for candidate in candidates:
        if not _hold_bay_usable(candidate, needed):
            continue
        moved = _win(
            lambda target=candidate: Booking.objects.filter(pk=locked.pk).update(
                start=new_start,
                end=new_end,
                bay_released_at=released,
                bay=target,
                updated_at=now,
            )
        )
        if not moved:
            continue
        booking.start, booking.end, booking.bay_released_at = new_start, new_end, released
        booking.bay, booking.updated_at = candidate, now
        return booking
    raise SlotTaken()
