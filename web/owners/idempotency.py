"""Submitting a booking form twice books once: the form carries a key (DESIGN rule 6).

The same storage and semantics as the API's `Idempotency-Key` (hima_service.idempotency): the key
row is inserted in the transaction of the work, so a concurrent repeat waits on the unique index
and then finds the first result; a rolled-back attempt leaves no key behind."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from bookings.models import Booking
from hima_service.idempotency import idempotency_answer, idempotency_claim


@transaction.atomic
def booking_once(
    *, user: User, key: str, path: str, body: dict, work: Callable[[], Booking]
) -> tuple[Booking, bool]:
    """Run `work` once per (user, key); returns the booking and whether this call made it.
    Raises KeyReused for the same key with another form."""
    claim = idempotency_claim(user=user, key=key, method="POST", path=path, body=body)
    if claim.first is not None:
        reference = (claim.first.response_body or {}).get("reference")
        return Booking.objects.get(reference=reference, owner=user), False
    booking = work()
    idempotency_answer(claim.new, status=201, body={"reference": booking.reference})
    return booking, True
