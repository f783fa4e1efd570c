"""Writes of the recall campaigns: creating one (its range resolved in SQL), the states of an
affected vehicle along MOVES, and the calls the booking core makes when a recall is booked,
completed or released. The VIN-file import is in `recalls.vins`.

Locks: the booking core calls `recall_claim_for_booking` before it reserves a bay; it locks the
vehicle's open AffectedVehicle rows (FOR UPDATE), so two bookings of one recall cannot both
claim it, and the notice scan (which takes rows with SKIP LOCKED) leaves them alone meanwhile.
The status actions hold the booking row first and then touch these rows: booking row, then
affected-vehicle rows, on every path.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from accounts.models import User
from hima_service.celery import BEST_EFFORT_CONNECT, queue_task
from hima_service.celery import app as celery_app
from outlets.models import Outlet, ServiceType
from vehicles.models import Brand, Vehicle, VehicleModel

from .models import AffectedVehicle, RecallCampaign

logger = logging.getLogger(__name__)

State = AffectedVehicle.State

# An affected vehicle's states as data: nothing else writes `state`.
MOVES: dict[str, frozenset[str]] = {
    State.AFFECTED: frozenset({State.NOTIFIED, State.BOOKED}),
    State.NOTIFIED: frozenset({State.BOOKED}),
    # A cancelled or missed booking gives the recall back: notified again, or affected when
    # its notice had not been recorded yet (then the scan still sends it).
    State.BOOKED: frozenset({State.DONE, State.NOTIFIED, State.AFFECTED}),
    State.DONE: frozenset(),
}
OPEN_STATES = frozenset({State.AFFECTED, State.NOTIFIED, State.BOOKED})
# The booking core's beat task that records the notices, queued by name: this app sits below
# the booking core and never imports it.
NOTICE_SCAN_TASK = "bookings.record_recall_notices"


# --- campaigns ----------------------------------------------------------------------------

# The tables by their models' names, quoted as identifiers.
AFFECTED = sql.Identifier(AffectedVehicle._meta.db_table)
CAMPAIGNS = sql.Identifier(RecallCampaign._meta.db_table)
CAMPAIGN_MODELS = sql.Identifier(RecallCampaign.vehicle_models.through._meta.db_table)
VEHICLES = sql.Identifier(Vehicle._meta.db_table)

# The ORM has no INSERT … SELECT: one statement adds every vehicle in range, however many.
RANGE_SQL = sql.SQL("""
INSERT INTO {affected} (campaign_id, vin, vehicle_id, source, state, booking_reference,
                        created_at, updated_at)
SELECT c.id, v.vin, v.id, 'range', 'affected', '', now(), now()
FROM {campaigns} c
JOIN {campaign_models} cm ON cm.recallcampaign_id = c.id
JOIN {vehicles} v ON v.model_id = cm.vehiclemodel_id
WHERE c.status = 'open' AND (%(campaign)s::bigint IS NULL OR c.id = %(campaign)s)
  AND (c.model_year_from IS NULL OR v.model_year >= c.model_year_from)
  AND (c.model_year_to IS NULL OR v.model_year <= c.model_year_to)
ON CONFLICT (campaign_id, vin) DO NOTHING
""").format(
    affected=AFFECTED, campaigns=CAMPAIGNS, campaign_models=CAMPAIGN_MODELS, vehicles=VEHICLES
)


def affected_resolve_ranges(*, campaign: RecallCampaign | None = None) -> int:
    """Add every platform vehicle inside an open campaign's models and model years (one
    campaign, or all open ones) in one INSERT … SELECT; those already in are kept as they are.
    Returns how many were added."""
    with connection.cursor() as cursor:
        cursor.execute(RANGE_SQL, {"campaign": campaign.pk if campaign else None})
        return cursor.rowcount


def affected_link_vehicles() -> int:
    """Link listed VINs to the platform's vehicles registered since the list was uploaded: a
    car of the campaign's brand only (a VIN on a brand's list is no reason to reach the owner
    of another brand's car)."""
    platform = Vehicle.objects.filter(
        vin=OuterRef("vin"), model__brand__recall_campaigns=OuterRef("campaign_id")
    )
    return AffectedVehicle.objects.filter(Exists(platform), vehicle__isnull=True).update(
        vehicle=Subquery(platform.values("pk")[:1]), updated_at=timezone.now()
    )


def notice_scan_kick() -> None:
    """Best effort, after commit: queue the notice scan now so notices go out at once. The beat
    runs it every few minutes anyway, so a broker outage here is only logged."""
    try:
        with celery_app.connection_for_write(transport_options=BEST_EFFORT_CONNECT) as conn:
            queue_task(NOTICE_SCAN_TASK, connection=conn, retry=False)
    except Exception as exc:  # any broker failure; beat is the guarantee
        logger.warning("Could not queue the recall notice scan now (%s); beat will run it.", exc)


def _check_criteria(
    *,
    brand: Brand,
    service_type: ServiceType,
    vehicle_models: Sequence[VehicleModel],
    model_year_from: int | None,
    model_year_to: int | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if service_type.category != ServiceType.Category.RECALL or not service_type.is_active:
        errors["service"] = [_("Choose an active service of the recall category.")]
    if foreign := [m.code for m in vehicle_models if m.brand_id != brand.pk]:
        errors["models"] = [
            _("Not %(brand)s models: %(models)s.")
            % {"brand": brand.display_name, "models": ", ".join(sorted(foreign))}
        ]
    if (model_year_from is not None or model_year_to is not None) and not vehicle_models:
        errors["models"] = [_("Name the models that the model years apply to.")]
    if (
        model_year_from is not None
        and model_year_to is not None
        and model_year_from > model_year_to
    ):
        errors["model_year_to"] = [_("The range ends before it starts.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    brand: Brand,
    code: str,
    title_zh: str,
    title_en: str,
    description_zh: str,
    description_en: str,
    service_type: ServiceType,
    vehicle_models: Sequence[VehicleModel] = (),
    model_year_from: int | None = None,
    model_year_to: int | None = None,
) -> RecallCampaign:
    """Open a campaign for one brand: vehicles of its models and model years on the platform
    are affected at once (SQL); a VIN list can be added after (`recalls.vins`). The notice scan
    is queued on commit."""
    _check_criteria(
        brand=brand,
        service_type=service_type,
        vehicle_models=vehicle_models,
        model_year_from=model_year_from,
        model_year_to=model_year_to,
    )
    code = code.strip().upper()
    if RecallCampaign.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("A campaign with this code exists.")]})
    campaign = RecallCampaign(
        brand=brand,
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        description_zh=description_zh,
        description_en=description_en,
        service_type=service_type,
        model_year_from=model_year_from,
        model_year_to=model_year_to,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as exc:  # the same code created concurrently
        raise ValidationError({"code": [_("A campaign with this code exists.")]}) from exc
    campaign.vehicle_models.set(vehicle_models)
    if vehicle_models:
        affected_resolve_ranges(campaign=campaign)
    transaction.on_commit(notice_scan_kick)
    return campaign


# --- the booking core's calls -------------------------------------------------------------


@dataclass
class RecallClaim:
    """The open recalls a booking's recall services fix: their service lines are free, and the
    rows become booked once the booking is in."""

    free_service_ids: set[int] = field(default_factory=set)
    rows: list[AffectedVehicle] = field(default_factory=list)


def _lock_open_recalls(vehicle: Vehicle, service_ids: set[int]) -> list[AffectedVehicle]:
    """SELECT … FOR UPDATE of the vehicle's open recall rows fixed by these services: a
    booking claiming them runs after any other claim on them (module doc)."""
    return list(
        AffectedVehicle.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(
            vin=vehicle.vin,
            campaign__status=RecallCampaign.Status.OPEN,
            campaign__brand_id=vehicle.model.brand_id,
            campaign__service_type_id__in=service_ids,
            state__in=OPEN_STATES,
        )
        .order_by("pk")
    )


def recall_claim_for_booking(*, vehicle: Vehicle, services: Sequence[ServiceType]) -> RecallClaim:
    """A recall service is bookable only for a vehicle affected by an open campaign it fixes,
    and only once at a time; raises a ValidationError on `services` otherwise. No query when
    no recall service is asked for."""
    recall_ids = {s.pk for s in services if s.category == ServiceType.Category.RECALL}
    if not recall_ids:
        return RecallClaim()
    rows = _lock_open_recalls(vehicle, recall_ids)
    errors = []
    covered = {row.campaign.service_type_id for row in rows}
    if uncovered := sorted(s.code for s in services if s.pk in recall_ids - covered):
        errors.append(
            _("This vehicle is not affected by an open recall that %(services)s fixes.")
            % {"services": ", ".join(uncovered)}
        )
    booked = [row for row in rows if row.state == State.BOOKED]
    if own := sorted({row.booking_reference for row in booked if row.vehicle_id == vehicle.pk}):
        errors.append(
            _("This recall is already booked (%(references)s).") % {"references": ", ".join(own)}
        )
    elif booked:
        # Booked by another account holding the same VIN: its reference is that person's.
        errors.append(_("This recall is already booked for this car from another account."))
    if errors:
        raise ValidationError({"services": errors})
    return RecallClaim(free_service_ids=recall_ids, rows=rows)


def _move(rows: Q, to: str, *, frm: str, **fields: object) -> int:
    """Move the rows of `rows` that are in state `frm` to `to`, in one UPDATE; returns how
    many. A move outside MOVES is a bug in the caller."""
    if to not in MOVES[frm]:
        raise ValueError(f"recall state {frm} → {to} is not in MOVES")
    return AffectedVehicle.objects.filter(rows, state=frm).update(
        state=to, updated_at=timezone.now(), **fields
    )


def recall_mark_booked(
    *, claim: RecallClaim, vehicle: Vehicle, outlet: Outlet, booking_reference: str
) -> int:
    """The claimed recalls are booked at this outlet by this booking."""
    if not claim.rows:
        return 0
    booked = {
        "vehicle": vehicle,
        "outlet": outlet,
        "booking_reference": booking_reference,
        "booked_at": timezone.now(),
    }
    ids = Q(pk__in=[row.pk for row in claim.rows])
    return _move(ids, State.BOOKED, frm=State.AFFECTED, **booked) + _move(
        ids, State.BOOKED, frm=State.NOTIFIED, **booked
    )


def recall_mark_done(*, booking_reference: str, now: datetime) -> int:
    """The booking holding these recalls was completed: each is done, at its outlet."""
    return _move(Q(booking_reference=booking_reference), State.DONE, frm=State.BOOKED, done_at=now)


def recall_release(*, booking_reference: str) -> int:
    """The booking holding these recalls was cancelled or missed: they are open again, with
    no outlet, back to notified (or to affected when the notice was never recorded)."""
    # booked → notified or → affected, both in MOVES, in one UPDATE.
    back = Case(
        When(notified_at__isnull=False, then=Value(State.NOTIFIED)), default=Value(State.AFFECTED)
    )
    return AffectedVehicle.objects.filter(
        booking_reference=booking_reference, state=State.BOOKED
    ).update(
        state=back, outlet=None, booking_reference="", booked_at=None, updated_at=timezone.now()
    )


# --- the notice scan's calls --------------------------------------------------------------


def affected_mark_notified(*, ids: Sequence[int], now: datetime) -> int:
    return _move(Q(pk__in=list(ids)), State.NOTIFIED, frm=State.AFFECTED, notified_at=now)


def affected_mark_followed_up(*, ids: Sequence[int], now: datetime) -> int:
    """The one follow-up was recorded; the state stays notified."""
    return AffectedVehicle.objects.filter(
        pk__in=list(ids), state=State.NOTIFIED, follow_up_at__isnull=True
    ).update(follow_up_at=now, updated_at=timezone.now())
