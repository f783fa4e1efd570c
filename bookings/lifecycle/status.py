"""The status actions: cancel, check in, start, ready, complete, no-show, and the generic
`booking_transition`. Each locks the booking row once (bookings.locks), looks its move up in the
transition table, applies the action's own rule, then `_enter` stamps, records the event, the
move's notifications and what it means for the recalls the booking holds, all in the caller's
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import RuleViolation, SlotTaken
from hima_service.language import in_chinese
from outlets.models import Bay
from vehicles.models import OdometerReading
from vehicles.services import vehicle_update

from ..locks import lock_booking
from ..models import Booking, BookingEvent, BookingService
from ..reservation import move_booking
from ..selectors import booking_parts_in_hand
from .events import record_event
from .rules import check_owner_deadline
from .table import transition_for

Status = Booking.Status
NO_SHOW_AFTER = timedelta(minutes=30)


def _enter(
    locked: Booking,
    to: str,
    *,
    actor: User | None,
    now: datetime,
    reason: str = "",
    set_fields: dict[str, Any] | None = None,
    **details: Any,
) -> Booking:
    """Apply the table's move current → to on a locked booking: status, its stamp, the event
    and the notifications. The caller holds the row lock and has checked its own rules."""
    move = transition_for(locked.status, to)
    previous = locked.status
    fields = {"status": to, **(set_fields or {})}
    if move.stamp:
        fields[move.stamp] = now
    if to == Status.CANCELLED:
        fields["cancel_reason"] = reason[:255]
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    record_event(
        locked,
        kind=move.event,
        actor=actor,
        from_status=previous,
        to_status=to,
        **({"reason": reason} if reason else {}),
        **details,
    )
    if move.notify is not None:
        move.notify(booking=locked)
    if move.recalls is not None:
        move.recalls(locked)
    return locked


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
    """Move a booking along the transition table; locks the booking row. Raises
    InvalidTransition for a move the table does not have. No action-specific rule applies:
    staff tools and tests use it; the actions below add their rules."""
    locked = lock_booking(booking.pk)
    transition_for(locked.status, to)
    return _enter(locked, to, actor=actor, now=now or timezone.now(), reason=reason, **details)


@transaction.atomic
def booking_cancel(
    *, booking: Booking, actor: User, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel before check-in; owners until 2 h before the start, staff at any time."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Status.CANCELLED)
    check_owner_deadline(booking=locked, actor=actor, now=now, action="cancelled")
    return _enter(locked, Status.CANCELLED, actor=actor, now=now, reason=reason)


@transaction.atomic
def booking_check_in(
    *, booking: Booking, actor: User, odometer_km: int | None = None, now: datetime | None = None
) -> Booking:
    """The car has arrived, on its booking's day at the outlet (a car that comes days early
    is a new visit, not this booking; one that comes days late missed it: a no-show, and the
    visit is a walk-in, with a reservation of its own). An odometer reading taken at the desk
    is recorded."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Status.CHECKED_IN)
    outlet = locked.outlet
    today, booked_day = outlet.local_day(now), outlet.local_day(locked.start)
    if today < booked_day:
        raise RuleViolation(
            _("Check-in opens on the booking's day; reschedule it to come earlier."),
            fields={"start": [_("The booking is on a later day.")]},
        )
    if today > booked_day:
        # Checked in now, it would be started on its old, past reservation: the bay would be
        # held for nobody while the car is worked on, and free to anyone else.
        raise RuleViolation(
            _("This booking was for an earlier day and was missed; register the car as a walk-in."),
            fields={"start": [_("The booking was on an earlier day.")]},
        )
    locked = _enter(locked, Status.CHECKED_IN, actor=actor, now=now)
    if odometer_km is not None:
        vehicle_update(
            vehicle=locked.vehicle,
            odometer_km=odometer_km,
            odometer_source=OdometerReading.Source.SERVICE,
        )
    return locked


@transaction.atomic
def booking_start(
    *,
    booking: Booking,
    actor: User,
    bay: Bay | None = None,
    crew: Sequence[int] | None = None,
    now: datetime | None = None,
) -> Booking:
    """Work begins: confirms the booked bay and crew, or assigns them (a waiting walk-in, or
    staff moving the car to another bay or giving it another `crew`, technician ids lead
    first) through the reservation core, so no bay and no technician is ever double-booked."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Status.IN_SERVICE)
    if bay is not None and bay.outlet_id != locked.outlet_id:
        raise ValidationError({"bay": [_("This bay belongs to another outlet.")]})
    booked_start, booked_bay_id = locked.start, locked.bay_id
    moves_bay = locked.bay_id is None or (bay is not None and bay.pk != locked.bay_id)
    if crew is not None and list(crew) != list(locked.crew):
        # Another crew: the row is rewritten through the reservation core, on the bay named
        # or else the booked one (a waiting walk-in has none: any free bay).
        moves_bay, bay = True, bay if bay is not None else locked.bay
    if not moves_bay and locked.start <= now < locked.end:
        # On time or late on the booked bay: the reservation stands. An overrun into the next
        # booking is a real delay the queue's estimates show, not a reason to refuse the work.
        assert locked.bay is not None  # noqa: S101 - not moves_bay: it is booked on a bay
        return _enter(locked, Status.IN_SERVICE, actor=actor, now=now, bay=locked.bay.name)
    # Early, on another bay, or after the booked time is over (it would hold the bay for none of
    # this work): the bay is used from now for the visit's length, so the reservation moves
    # there through the guarded path (a car started early must not run into the bay's previous
    # booking, nor one started late into the next). The booked time is kept in the event.
    lines = list(locked.booking_services.select_related("service_type").order_by("id"))
    booking_parts_in_hand(locked, lines=lines)  # read once: for the move and the answer
    _move_for_start(locked, now=now, bay=bay, moves_bay=moves_bay, lines=lines, crew=crew)
    assert locked.bay is not None  # noqa: S101 - move_booking put it on a bay, or raised
    if locked.bay_id != booked_bay_id:
        record_event(locked, kind=BookingEvent.Kind.BAY_ASSIGNED, actor=actor, bay=locked.bay.name)
    # `start` now says when the bay is used; the owner was promised the booked time, and the
    # pages show both ("promised 10:00 · started 09:40").
    moved = locked.start != booked_start and locked.promised_start is None
    promise = {"promised_start": booked_start} if moved else {}
    return _enter(
        locked,
        Status.IN_SERVICE,
        actor=actor,
        now=now,
        set_fields=promise,
        bay=locked.bay.name,
        crew=list(locked.crew),
        booked_start=locked.outlet.local_iso(booked_start),
    )


def _move_for_start(
    locked: Booking,
    *,
    now: datetime,
    bay: Bay | None,
    moves_bay: bool,
    lines: list[BookingService],
    crew: Sequence[int] | None = None,
) -> None:
    """Move the reservation to start now: on the bay staff named, else on the booked bay, else
    (the booked bay is busy before this work would end) on the best-fit free capable bay.
    Refused only when the named bay is busy, or when every capable bay is."""
    if moves_bay:
        targets: list[Bay | None] = [bay]  # a waiting walk-in (bay None: any) or a named bay
    elif bay is not None:
        targets = [bay]  # staff named the booked bay itself: that bay or nothing
    else:
        # Early (or past its end) on the booked bay: keep it when it is free, or else any
        # capable free bay (None lets the reservation core pick best fit) instead of sending
        # staff to look.
        targets = [locked.bay, None]
    for target in targets:
        try:
            move_booking(booking=locked, start=now, bay=target, lines=lines, crew=crew)
        except SlotTaken:
            continue
        return
    detail = (
        _(
            "Bay %(bay)s is held by another booking before this work would end; "
            "choose another bay or wait."
        )
        % {"bay": bay.display_name}
        if bay is not None
        else _(
            "Every suitable bay is held by another booking before this work would end; "
            "choose another bay or wait."
        )
    )
    raise SlotTaken(detail, fields={"bay": [_("Busy during this work.")]})


def _checklist_problems(lines: list[BookingService], checklist: dict[str, list[str]]) -> list[str]:
    """What keeps the checklist from being complete, in the reader's language: each service by
    its name, its items as the checklist shows them (the ticks themselves are the English
    items, the checklist's keys)."""
    problems: list[str] = []
    sep = "；" if in_chinese() else "; "  # as each language separates a list
    unknown = set(checklist) - {line.service_type.code for line in lines}
    if unknown:
        problems.append(
            _("Not on this booking: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    for line in lines:
        service = line.service_type
        standard = list(service.checklist)
        shown = dict(zip(standard, service.display_checklist, strict=False))
        ticked = set(checklist.get(service.code, []))
        if missing := [shown.get(item, item) for item in standard if item not in ticked]:
            problems.append(
                _("%(service)s: not ticked: %(items)s.")
                % {"service": service.display_name, "items": sep.join(missing)}
            )
        if extra := sorted(ticked - set(standard)):
            problems.append(
                _("%(service)s: not on the standard checklist: %(items)s.")
                % {"service": service.display_name, "items": sep.join(extra)}
            )
    return problems


@transaction.atomic
def booking_ready(
    *,
    booking: Booking,
    actor: User,
    checklist: dict[str, list[str]],
    now: datetime | None = None,
) -> Booking:
    """Work is done and the car waits for its owner, who is told. The workshop declares it
    with the checklist: every item of every service's standard checklist must be ticked
    (`checklist` maps service code → ticked items), and the service record keeps it. The API
    and the board call it through estimates.services.visit_ready, which first refuses while
    approved extra work is not completed (a rule over the estimate lines, an app above)."""
    return booking_ready_locked(
        locked=lock_booking(booking.pk), actor=actor, checklist=checklist, now=now
    )


def booking_ready_locked(
    *,
    locked: Booking,
    actor: User,
    checklist: dict[str, list[str]],
    now: datetime | None = None,
    **details: Any,
) -> Booking:
    """booking_ready on a booking the caller has locked (bookings.locks.lock_booking) in its
    own transaction, after its own checks: one lock and one savepoint for the action. The
    `details` go into the ready event (the history says what the caller decided)."""
    transition_for(locked.status, Status.READY)
    lines = list(locked.booking_services.select_related("service_type").order_by("id"))
    if problems := _checklist_problems(lines, checklist):
        raise ValidationError({"checklist": problems})
    for line in lines:
        line.checklist_result = [
            {"item": item, "done": True} for item in line.service_type.checklist
        ]
    BookingService.objects.bulk_update(lines, ["checklist_result"])
    booking_parts_in_hand(locked, lines=lines)
    return _enter(locked, Status.READY, actor=actor, now=now or timezone.now(), **details)


@transaction.atomic
def booking_complete(
    *,
    booking: Booking,
    actor: User,
    actual_labour_minutes: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """Close the service record when the owner collects the car (the checklist was ticked at
    ready); actual labour time is recorded, by default the time from start to ready."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Status.COMPLETED)
    lines = list(locked.booking_services.select_related("service_type").order_by("id"))
    booking_parts_in_hand(locked, lines=lines)  # read for the answer, as ready does
    if actual_labour_minutes is None and locked.started_at and locked.ready_at:
        actual_labour_minutes = round((locked.ready_at - locked.started_at).total_seconds() / 60)
    return _enter(
        locked,
        Status.COMPLETED,
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
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Status.NO_SHOW)
    if now < locked.start + NO_SHOW_AFTER:
        raise RuleViolation(
            _("A booking becomes a no-show only 30 minutes after its start."),
            fields={"start": [_("Too early to mark a no-show.")]},
        )
    return _enter(
        locked, Status.NO_SHOW, actor=actor, now=now, reason="not checked in 30 min after start"
    )
