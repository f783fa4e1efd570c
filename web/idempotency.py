"""Submitting a booking form twice books once: the form carries a key (DESIGN rule 6).

The same storage and semantics as the API's `Idempotency-Key` (bookings.idempotency): the key
row is inserted in the transaction of the work, so a concurrent repeat waits on the unique index
and then finds the first result; a rolled-back attempt leaves no key behind."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from accounts.models import User
from bookings.idempotency import KeyReused, request_fingerprint
from bookings.models import Booking, IdempotencyKey


@transaction.atomic
def booking_once(
    *, user: User, key: str, path: str, body: dict, work: Callable[[], Booking]
) -> tuple[Booking, bool]:
    """Run `work` once per (user, key); returns the booking and whether this call made it."""
    fingerprint = request_fingerprint(method="POST", path=path, body=body)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, method="POST", path=path[:255], request_hash=fingerprint
            )
    except IntegrityError:
        existing = IdempotencyKey.objects.get(user=user, key=key)
        if existing.request_hash != fingerprint:
            raise KeyReused() from None
        reference = (existing.response_body or {}).get("reference")
        return Booking.objects.get(reference=reference, owner=user), False
    booking = work()
    record.response_status = 201
    record.response_body = {"reference": booking.reference}
    record.save(update_fields=["response_status", "response_body"])
    return booking, True
