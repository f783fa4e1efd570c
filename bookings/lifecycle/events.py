"""The append-only history: every write on a booking records who did what, as one event."""

from __future__ import annotations

from typing import Any

from accounts.models import User

from ..models import Booking, BookingEvent


def new_event(
    booking: Booking,
    *,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    **details: Any,
) -> BookingEvent:
    """The event, unsaved: for a write that inserts it together with other rows."""
    return BookingEvent(
        booking=booking,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def record_event(booking: Booking, *, kind: str, actor: User | None, **fields: Any) -> BookingEvent:
    """new_event (`from_status`, `to_status` and the details in `fields`), inserted: every
    write on a booking records one."""
    event = new_event(booking, kind=kind, actor=actor, **fields)
    event.save(force_insert=True)
    return event
