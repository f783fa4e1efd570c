"""Who holds a VIN, and who is its verified owner (DESIGN.md "Identity and trust").

Any account may hold a car unverified, so several may hold the same VIN (one of them perhaps
squatting it). Its owner is verified at an outlet's counter (registration certificate) or by a
code sent to the phone in the brand's delivery record; that account's row becomes the car's
only one, and every other holder's row is released. The booking side of a release (future
bookings cancelled, the holder told) is bookings.identity's, which calls this module.

Every change of a VIN's holders takes a transaction-scoped advisory lock on the VIN first, so
an add and a verification of the same car run one after the other; the partial unique indexes
on Vehicle back that up (one verified row per VIN, one row per holder).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.models import User
from accounts.phones import same_phone

from .models import DeliveryRecord, OdometerReading, OwnershipVerification, Vehicle

RELEASED_TO_VERIFIED_OWNER = "verified_owner"
RELEASED_ACCOUNT_ERASED = "account_erased"
# An erased buyer's phone in a delivery record becomes this prefix and the record's id (unique,
# as the brand-VIN-phone constraint wants, and never a phone: the record proves nobody).
ERASED_PHONE_PREFIX = "erased:"


def lock_vin(vin: str) -> None:
    """Serialise changes of one VIN's holders until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"vin:{vin}"])


def holders(vin: str):
    """The rows that hold this VIN now (released ones are history)."""
    return Vehicle.objects.filter(vin=vin, released_at__isnull=True)


def verified_vehicle(vin: str) -> Vehicle | None:
    """The car's row with its verified owner, or None."""
    return (
        holders(vin)
        .filter(verified_at__isnull=False)
        .select_related("owner", "model__brand")
        .first()
    )


def latest_delivery_record(*, vin: str, brand_id: int) -> DeliveryRecord | None:
    """The brand's latest delivery record of this VIN: a resale adds a newer one."""
    return (
        DeliveryRecord.objects.filter(vin=vin, brand_id=brand_id)
        .order_by("-uploaded_at", "-id")
        .first()
    )


def names_a_phone(record: DeliveryRecord) -> bool:
    """False for a record whose buyer erased their account: it proves nobody, and a code for
    the car goes nowhere (the owner verifies at a counter instead)."""
    return not record.buyer_phone.startswith(ERASED_PHONE_PREFIX)


def delivery_records_naming(user: User) -> QuerySet[DeliveryRecord]:
    """The delivery records that name the person: those of the phone they proved by a code and
    those their verified ownerships rest on. Never by a phone merely typed on the account:
    anyone can type someone else's number.

    The verifications' records are read first, a few ids: as a subquery ORed with the phone,
    they would make PostgreSQL read every record; as a list, both halves walk an index."""
    proven = OwnershipVerification.objects.filter(owner=user, delivery_record__isnull=False)
    mine = Q(pk__in=list(proven.values_list("delivery_record_id", flat=True)))
    if user.verified_phone and user.phone_verified_at is not None:
        mine |= Q(buyer_phone=user.verified_phone)
    return DeliveryRecord.objects.filter(mine).select_related("brand")


@transaction.atomic
def holder_erase(
    *, user: User, delivery_records: Collection[int], now: datetime | None = None
) -> int:
    """An erased account's side of ownership: the buyer's phone goes from the delivery records
    that named them (`delivery_records`, read before the account's phone was blanked), and the
    cars it holds are released, so that none stays verified to nobody (the next owner, or the
    same person with a new account, takes it over as anyone would). The records, the cars' rows
    and the verifications stay, anonymous, for the audit. Returns how many cars were released."""
    now = now or timezone.now()
    DeliveryRecord.objects.filter(pk__in=delivery_records).exclude(
        buyer_phone__startswith=ERASED_PHONE_PREFIX
    ).update(buyer_phone=Concat(Value(ERASED_PHONE_PREFIX), Cast("pk", CharField())))
    released = 0
    held = Vehicle.objects.filter(owner=user, released_at__isnull=True).order_by("vin")
    for vin in list(held.values_list("vin", flat=True)):
        lock_vin(vin)
        released += (
            holders(vin)
            .filter(owner=user)
            .update(released_at=now, release_reason=RELEASED_ACCOUNT_ERASED, updated_at=now)
        )
    return released


def delivery_record_names(*, user: User, vin: str, brand_id: int, after: datetime | None) -> bool:
    """True when the car's latest delivery record, newer than `after`, names the user's
    verified phone: then the user may add a car verified to someone else and claim it by code
    (a second-hand buyer whose purchase the brand recorded)."""
    record = latest_delivery_record(vin=vin, brand_id=brand_id)
    return (
        record is not None
        and user.phone_is_verified
        and same_phone(record.buyer_phone, user.phone)
        and (after is None or record.uploaded_at > after)
    )


@dataclass(frozen=True)
class OwnerVerified:
    vehicle: Vehicle  # the owner's row, now verified
    released: list[Vehicle]  # other holders' rows, now released


@transaction.atomic
def vehicle_owner_verify(
    *,
    owner: User,
    vin: str,
    via: str,
    template: Vehicle,
    staff: User | None = None,
    outlet_code: str = "",
    booking_reference: str = "",
    delivery_record: DeliveryRecord | None = None,
    now: datetime | None = None,
) -> OwnerVerified:
    """Make `owner` the VIN's verified owner: their row (a copy of `template`'s car facts when
    they hold none) is verified and every other holder's row released — an earlier verified
    owner's too (a resale). Writes the audit row. Takes the VIN's lock and its rows' locks."""
    now = now or timezone.now()
    lock_vin(vin)
    rows = list(holders(vin).select_for_update().order_by("pk"))
    mine = next((row for row in rows if row.owner_id == owner.pk), None)
    others = [row for row in rows if mine is None or row.pk != mine.pk]
    for row in others:
        row.released_at = now
        row.release_reason = RELEASED_TO_VERIFIED_OWNER
        row.save(update_fields=["released_at", "release_reason", "updated_at"])
    if mine is None:
        mine = Vehicle.objects.create(
            owner=owner,
            vin=vin,
            model=template.model,
            model_year=template.model_year,
            plate=template.plate,
            odometer_km=template.odometer_km,
            delivery_date=template.delivery_date,
        )
        OdometerReading.objects.create(vehicle=mine, km=mine.odometer_km, recorded_at=now)
    mine.verified_at = now
    mine.verified_via = via
    mine.save(update_fields=["verified_at", "verified_via", "updated_at"])
    OwnershipVerification.objects.create(
        vehicle=mine,
        vin=vin,
        owner=owner,
        via=via,
        staff=staff,
        outlet_code=outlet_code,
        booking_reference=booking_reference,
        delivery_record=delivery_record,
        created_at=now,
    )
    return OwnerVerified(vehicle=mine, released=others)
