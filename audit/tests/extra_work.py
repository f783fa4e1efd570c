"""Extra work on constructed visits, written directly (as the audit reads it, not through the
estimate rules): one sending per call, its lines answered as told, at known times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bookings.models import Booking
from estimates.models import EstimateLine, EstimateSending

State = EstimateLine.State
ANSWER_WINDOW = dt.timedelta(hours=48)


@dataclass(frozen=True)
class Line:
    state: str
    price: str = "100.00"
    # Minutes from the sending to the owner's answer (approved or declined).
    answered_after: int | None = None
    # The line's standard labour time.
    labour: int = 0


def send(
    booking: Booking,
    sent_at: dt.datetime,
    lines: list[Line],
    *,
    window: dt.timedelta = ANSWER_WINDOW,
) -> list[EstimateLine]:
    """One sending of these lines to the booking's owner at `sent_at`, open for `window`."""
    sending = EstimateSending.objects.create(
        booking=booking,
        owner_id=booking.owner_id,
        sent_at=sent_at,
        expires_at=sent_at + window,
    )
    return [
        EstimateLine.objects.create(
            booking=booking,
            kind=EstimateLine.Kind.REPAIR,
            description="Front brake pads",
            grade=EstimateLine.Grade.ADVISORY,
            state=line.state,
            labour_minutes=line.labour,
            labour_price=Decimal(line.price),
            price=Decimal(line.price),
            currency=booking.outlet.currency,
            created_at=sent_at - dt.timedelta(minutes=5),
            sending=sending,
            viewed_at=None if line.state == State.PROPOSED else sent_at,
            decided_at=sent_at + dt.timedelta(minutes=line.answered_after)
            if line.answered_after is not None
            else None,
        )
        for line in lines
    ]


def propose(booking: Booking, at: dt.datetime) -> EstimateLine:
    """A line proposed and not sent yet: the owner has not been offered it."""
    return EstimateLine.objects.create(
        booking=booking,
        kind=EstimateLine.Kind.REPAIR,
        description="Wiper blades",
        grade=EstimateLine.Grade.INFO,
        labour_price=Decimal("80.00"),
        price=Decimal("80.00"),
        currency=booking.outlet.currency,
        created_at=at,
    )
