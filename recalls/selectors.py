"""Reads of the recall campaigns: a vehicle's open recalls, the campaigns a manager sees, and a
campaign's progress, overall and per outlet, counted by PostgreSQL from the AffectedVehicle rows
in a constant number of queries.

The figures (docs/recalls.md):
  affected    every VIN in the campaign (by range or list), on the platform or not
  registered  those whose car is on the platform (owners who can be told)
  notified    those whose notice was recorded (`notified_at`)
  booked      booked now and not yet done
  completed   done
  completion_rate  completed / affected, overall; per outlet, completed / (booked + completed)
                   at that outlet (the outlet is known only once a fix is booked there)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from vehicles.models import Vehicle

from .access import RecallManager
from .models import AffectedVehicle, RecallCampaign
from .services import OPEN_STATES

State = AffectedVehicle.State
FOLLOW_UP_AFTER = timedelta(days=30)


def _counts(prefix: str = "") -> dict[str, Count]:
    """The progress counts as aggregates over AffectedVehicle rows (reached via `prefix`)."""
    pk = f"{prefix}id" if prefix else "id"

    def where(**lookups: object) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    return {
        "affected": Count(pk),
        "registered": Count(pk, filter=where(vehicle__isnull=False)),
        "notified": Count(pk, filter=where(notified_at__isnull=False)),
        "booked": Count(pk, filter=where(state=State.BOOKED)),
        "completed": Count(pk, filter=where(state=State.DONE)),
    }


def rate(part: int, whole: int) -> Decimal | None:
    """A share to four places (0.1234), None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    affected: int
    registered: int
    notified: int
    booked: int
    completed: int

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.affected)


@dataclass(frozen=True)
class OutletProgress:
    outlet: str
    outlet_name: str
    city: str
    booked: int
    completed: int

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.booked + self.completed)


def campaign_list(*, manager: RecallManager, brand: str | None = None) -> QuerySet[RecallCampaign]:
    """The campaigns a manager sees, newest first, each with its progress counts annotated
    (one query for the page, however many campaigns and vehicles)."""
    campaigns = (
        RecallCampaign.objects.filter(manager.scope())
        .select_related("brand", "service_type")
        .prefetch_related("vehicle_models")
        .annotate(**{f"n_{name}": agg for name, agg in _counts("affected_vehicles__").items()})
        .order_by("-created_at", "-id")
    )
    if brand:
        campaigns = campaigns.filter(brand__code__iexact=brand)
    return campaigns


def progress_of(campaign: RecallCampaign) -> Progress:
    """The counts `campaign_list` annotated, or counted now for a campaign read on its own."""
    if hasattr(campaign, "n_affected"):
        return Progress(**{name: getattr(campaign, f"n_{name}") for name in _counts()})
    return campaign_progress(campaign_id=campaign.pk)


def campaign_progress(*, campaign_id: int) -> Progress:
    """The counts as they are now, in one query."""
    return Progress(
        **AffectedVehicle.objects.filter(campaign_id=campaign_id).aggregate(**_counts())
    )


def campaign_get(*, manager: RecallManager, code: str) -> RecallCampaign | None:
    """One campaign the manager sees, by code in any case; None for another brand's (the view
    answers 404, as for one that does not exist)."""
    return campaign_list(manager=manager).filter(code=code.strip().upper()).first()


def campaign_outlet_progress(campaign: RecallCampaign) -> list[OutletProgress]:
    """Booked and completed per outlet where the campaign's fixes are booked or done."""
    rows = (
        AffectedVehicle.objects.filter(campaign=campaign, outlet__isnull=False)
        .values("outlet__code", "outlet__name", "outlet__city")
        .annotate(
            booked=Count("id", filter=Q(state=State.BOOKED)),
            completed=Count("id", filter=Q(state=State.DONE)),
        )
        .order_by("outlet__code")
    )
    return [
        OutletProgress(
            outlet=row["outlet__code"],
            outlet_name=row["outlet__name"],
            city=row["outlet__city"],
            booked=row["booked"],
            completed=row["completed"],
        )
        for row in rows
    ]


def open_recalls_by_vehicle(vehicles: Sequence[Vehicle]) -> dict[int, list[AffectedVehicle]]:
    """Each vehicle's open recalls (campaign open, its brand, not done), in one query for any
    number of vehicles. The vehicles need their model loaded."""
    by_vin = {v.vin: v for v in vehicles}
    if not by_vin:
        return {}
    rows = (
        AffectedVehicle.objects.filter(
            vin__in=list(by_vin), campaign__status=RecallCampaign.Status.OPEN, state__in=OPEN_STATES
        )
        .select_related("campaign__service_type", "outlet")
        .order_by("campaign__created_at", "campaign_id")
    )
    found: dict[int, list[AffectedVehicle]] = {v.pk: [] for v in vehicles}
    for row in rows:
        vehicle = by_vin[row.vin]
        if row.campaign.brand_id == vehicle.model.brand_id:
            found[vehicle.pk].append(row)
    return found


def _reachable(rows: QuerySet[AffectedVehicle]) -> QuerySet[AffectedVehicle]:
    """Rows of open campaigns whose car is on the platform with an owner who has a phone or an
    e-mail address: someone a notice can reach."""
    return rows.filter(campaign__status=RecallCampaign.Status.OPEN, vehicle__isnull=False).filter(
        ~Q(vehicle__owner__phone="") | ~Q(vehicle__owner__email="")
    )


def _locked(rows: QuerySet[AffectedVehicle], limit: int, after: int) -> tuple[list[int], int]:
    # The batch's candidates first, from the one table in id order past the last batch, the
    # open campaigns by their ids: joined to the campaigns, cars and owners before the LIMIT,
    # a campaign of a million due rows was joined whole and sorted for every batch of 500 (a
    # scan quadratic in the campaign's size).
    campaigns = RecallCampaign.objects.filter(status=RecallCampaign.Status.OPEN)
    candidates = list(
        rows.filter(campaign_id__in=list(campaigns.values_list("pk", flat=True)), pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return [], after
    # Locked with the due filter again: a row booked since it was read is left out.
    ids = list(
        _reachable(rows.filter(pk__in=candidates))
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return ids, candidates[-1]


def affected_due_notice(*, limit: int, after: int = 0) -> tuple[list[int], int]:
    """The next batch of rows whose notice is still to be recorded, past id `after` (the
    scan's last batch): the ids, in order, of those of the next `limit` rows that someone can be
    told of, locked (SKIP LOCKED: a row being booked, or taken by another scan, is left alone),
    and the id to go on after (`after` itself when no row is left). Call inside a
    transaction."""
    due = AffectedVehicle.objects.filter(state=State.AFFECTED, vehicle__isnull=False)
    return _locked(due, limit, after)


def affected_due_follow_up(*, now: datetime, limit: int, after: int = 0) -> tuple[list[int], int]:
    """The next batch of rows notified FOLLOW_UP_AFTER ago or more, still not booked and not
    yet followed up, as `affected_due_notice` gives it."""
    due = AffectedVehicle.objects.filter(
        state=State.NOTIFIED,
        notified_at__lte=now - FOLLOW_UP_AFTER,
        follow_up_at__isnull=True,
        vehicle__isnull=False,
    )
    return _locked(due, limit, after)
