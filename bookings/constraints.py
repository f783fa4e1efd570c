"""How a booking write is judged: PostgreSQL's exclusion constraints decide whether a bay, a
crew and a vehicle are free, and a write runs in a savepoint so that a refusal costs only that
savepoint. Shared by the reservation core (bookings.reservation) and the extension of a visit
(bookings.extension)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, OperationalError, transaction
from django.db.transaction import TransactionManagementError

from hima_service.exceptions import VehicleBusy

BAY_OVERLAP = "booking_no_bay_overlap"
CREW_OVERLAP = "booking_no_crew_overlap"
VEHICLE_OVERLAP = "booking_no_vehicle_overlap"
ATTEMPTS = 10
DEADLOCK_DETECTED = "40P01"


def constraint_name(exc: IntegrityError) -> str | None:
    # psycopg names the violated constraint; never parse the message text.
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def win(
    write: Callable[[], object], *, renew_reference: Callable[[], None] | None = None
) -> str | None:
    """Run one INSERT or UPDATE of a booking in a savepoint (a nested atomic block) and let
    PostgreSQL judge it, inside the caller's transaction.

    None when accepted; the name of the exclusion constraint that refused it when the bay
    (BAY_OVERLAP) or a member of the crew (CREW_OVERLAP) is taken; VehicleBusy for
    booking_no_vehicle_overlap. On any refusal only the savepoint is lost.
    """
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                write()
        except IntegrityError as exc:
            name = constraint_name(exc) or ""
            if name in (BAY_OVERLAP, CREW_OVERLAP):
                return name
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
        return None
    return BAY_OVERLAP  # still contended after every attempt: as good as taken


def require_transaction(name: str) -> None:
    # Its share locks hold only until the transaction ends: in autocommit they would end with
    # each statement and guard nothing.
    if transaction.get_autocommit():
        raise TransactionManagementError(f"{name} runs inside the caller's transaction.atomic().")
