"""Maintenance due: which vehicles near their model's interval, by time or estimated mileage.

The baseline is the last completed booking that included a service counting as maintenance;
without one, the delivery date, else the first odometer reading. A vehicle is due when
    * time: today is within MONTH_MARGIN of baseline + the model's interval in months, or
    * mileage: the odometer estimated for today (the km per day seen in its readings,
      projected from the latest reading) is within KM_MARGIN of baseline km + interval km.
A vehicle that already has an upcoming active booking with a maintenance service is not due.

Owners hear about it at most once a month: once per calendar month (the notification key holds
the month, so two runs on one day record one message), and never within MIN_DAYS_BETWEEN of the
last one (so not on the 31st and again on the 1st).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from vehicles.models import OdometerReading, Vehicle

from ..models import Booking, Notification
from .vehicle_notices import notify_maintenance_due

if TYPE_CHECKING:  # django-stubs-ext is a development tool, not installed in the image
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

MONTH_MARGIN_DAYS = 30
KM_MARGIN = 1000
MIN_DAYS_BETWEEN = 30


@dataclass(frozen=True)
class MaintenanceDue:
    vehicle: Vehicle
    due_by: str  # "time" or "km"
    since: date
    due_on: date
    estimated_km_since: int | None


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def estimate_odometer(vehicle: Vehicle, readings: list[OdometerReading], today: date) -> int:
    """Today's odometer: the latest reading plus km per day (over the readings' span, or since
    delivery with one reading) times the days since; never below the recorded odometer."""
    if not readings:
        return vehicle.odometer_km
    first, last = readings[0], readings[-1]
    last_day = _local_date(last.recorded_at)
    span = (last_day - _local_date(first.recorded_at)).days
    rate = 0.0
    if len(readings) >= 2 and span > 0:
        rate = max(last.km - first.km, 0) / span
    elif vehicle.delivery_date and (last_day - vehicle.delivery_date).days > 0:
        rate = last.km / (last_day - vehicle.delivery_date).days
    estimate = last.km + rate * max((today - last_day).days, 0)
    return max(round(estimate), vehicle.odometer_km)


def _km_at(readings: list[OdometerReading], day: date, *, from_delivery: bool) -> int | None:
    """The odometer at the baseline: the latest reading on or before that day; 0 for a new car
    (baseline = delivery); else the first reading after it (the service visit's own)."""
    before = [r for r in readings if _local_date(r.recorded_at) <= day]
    if before:
        return before[-1].km
    if from_delivery:
        return 0
    return readings[0].km if readings else None


def _assess(vehicle: Vehicle, last_service: datetime | None, today: date) -> MaintenanceDue | None:
    readings = list(vehicle.odometer_readings.all())
    if last_service is not None:
        since, from_delivery = _local_date(last_service), False
    elif vehicle.delivery_date is not None:
        since, from_delivery = vehicle.delivery_date, True
    elif readings:
        since, from_delivery = _local_date(readings[0].recorded_at), False
    else:
        return None
    model = vehicle.model
    due_on = since + relativedelta(months=model.maintenance_interval_months)
    km_since = None
    baseline_km = _km_at(readings, since, from_delivery=from_delivery)
    if baseline_km is not None:
        km_since = max(estimate_odometer(vehicle, readings, today) - baseline_km, 0)
    if km_since is not None and km_since >= model.maintenance_interval_km - KM_MARGIN:
        return MaintenanceDue(vehicle, "km", since, due_on, km_since)
    if (due_on - today).days <= MONTH_MARGIN_DAYS:
        return MaintenanceDue(vehicle, "time", since, due_on, km_since)
    return None


def _assess_or_skip(
    vehicle: Vehicle, last_service: datetime | None, today: date
) -> MaintenanceDue | None:
    """`_assess`, or None (logged with the vehicle's id) for a vehicle whose dates leave the
    calendar (a delivery date such as 9999-12-31, saved before delivery dates were validated):
    one such row must not stop the daily scan for every vehicle after it, nor break its owner's
    page. Only date arithmetic's errors are caught; any other error is a bug and stays loud."""
    try:
        return _assess(vehicle, last_service, today)
    except (ValueError, OverflowError):
        logger.exception("Vehicle %s: maintenance not assessed (a date out of range)", vehicle.pk)
        return None


class MaintenanceFacts(TypedDict):
    """What with_maintenance_facts annotates on each vehicle."""

    last_service: datetime | None
    maintenance_booked: bool


def with_maintenance_facts(
    vehicles: QuerySet[Vehicle], *, today: date
) -> QuerySet[WithAnnotations[Vehicle, MaintenanceFacts]]:
    """Vehicles with what the maintenance rule reads: `last_service` (the last completed
    maintenance), `maintenance_booked` (an upcoming one is booked) and their odometer readings."""
    maintenance = Booking.objects.filter(
        vehicle=OuterRef("pk"), booking_services__service_type__counts_as_maintenance=True
    )
    return vehicles.annotate(
        last_service=Subquery(
            maintenance.filter(status=Booking.Status.COMPLETED, completed_at__isnull=False)
            .order_by("-completed_at")
            .values("completed_at")[:1]
        ),
        # Upcoming as of `today`, not of the clock: a run for another day judges that day.
        maintenance_booked=Exists(
            maintenance.filter(status__in=Booking.ACTIVE_STATUSES, end__gte=_day_start(today))
        ),
    ).prefetch_related(
        Prefetch("odometer_readings", queryset=OdometerReading.objects.order_by("recorded_at"))
    )


def maintenance_of(
    vehicle: WithAnnotations[Vehicle, MaintenanceFacts], *, today: date
) -> MaintenanceDue | None:
    """Whether a vehicle read through `with_maintenance_facts` is due, and why."""
    if vehicle.maintenance_booked:
        return None
    return _assess_or_skip(vehicle, vehicle.last_service, today)


def maintenance_due_vehicles(
    *, today: date | None = None, reminded_since: datetime | None = None
) -> Iterator[MaintenanceDue]:
    """Every vehicle nearing its maintenance interval today, with the reason (module doc),
    leaving out those with a maintenance_due recorded since `reminded_since` when given.
    Streams vehicles in chunks with their readings prefetched: a few queries per 500."""
    today = today or timezone.localdate()
    vehicles = (
        with_maintenance_facts(Vehicle.objects.select_related("model__brand", "owner"), today=today)
        .filter(maintenance_booked=False)
        .order_by("pk")
    )
    if reminded_since is not None:
        vehicles = vehicles.exclude(
            Exists(
                Notification.objects.filter(
                    vehicle=OuterRef("pk"),
                    kind=Notification.Kind.MAINTENANCE_DUE,
                    due_at__gte=reminded_since,
                )
            )
        )
    for vehicle in vehicles.iterator(chunk_size=500):
        due = _assess_or_skip(vehicle, vehicle.last_service, today)
        if due is not None:
            yield due


def maintenance_due_record(*, today: date | None = None, now: datetime | None = None) -> int:
    """Record a maintenance_due notification for each due vehicle: at most one per vehicle and
    channel per calendar month (the month is in the key), and none for a vehicle that had one
    in the last MIN_DAYS_BETWEEN days (whole local days: the minute the daily run starts does
    not matter). Returns the number of new rows."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    month = f"{today:%Y-%m}"
    # The rows' due time is the moment of the run that recorded them.
    reminded_since = _day_start(today - timedelta(days=MIN_DAYS_BETWEEN - 1))
    created = 0
    for due in maintenance_due_vehicles(today=today, reminded_since=reminded_since):
        created += notify_maintenance_due(
            vehicle_id=due.vehicle.pk,
            owner=due.vehicle.owner,
            month=month,
            now=now,
            due_by=due.due_by,
            since=due.since.isoformat(),
            due_on=due.due_on.isoformat(),
            estimated_km_since=due.estimated_km_since,
        )
    return created
