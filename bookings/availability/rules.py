"""Rules 2 and 3 of the product, for one outlet: can it serve these services for this brand
(active, offered, authorized, one bay able to do them all), and is this start bookable (lead
time, horizon, opening hours, closures, slot step). Occupancy is not a rule here: the database
decides it when the booking is written (bookings.reservation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outlets.catalog import booking_duration, needed_capabilities
from outlets.models import Outlet, ServiceType, capability_labels
from outlets.schedule import UTC, day_intervals
from outlets.selectors import outlet_offers
from vehicles.models import Brand, Vehicle

from ..locks import HeldDay, UpcomingAsk, share_lock_day_bays, share_lock_outlet_serving
from .calendar import OutletCalendar, load_day

LEAD_TIME = dt.timedelta(hours=1)
HORIZON = dt.timedelta(days=60)
MAX_RANGE_DAYS = 31


def _names(services: Iterable[ServiceType]) -> str:
    return ", ".join(sorted(service.display_name for service in services))


def brand_of(vehicle: Vehicle | None, brand: Brand | None) -> Brand | None:
    if vehicle is not None:
        return vehicle.model.brand
    return brand


def serve_errors(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    brand: Brand | None,
    offers: tuple[set[int], bool] | None = None,
) -> dict[str, list[str]]:
    """Rule 3 without the bays: outlet active, services offered, brand authorized. `offers`
    is outlet_offers' answer when the caller read it already (bookings.locks)."""
    errors: dict[str, list[str]] = {}
    if not outlet.is_active:
        errors["outlet"] = [
            _("%(outlet)s is not taking bookings.") % {"outlet": outlet.display_name}
        ]
    if not services:
        errors["services"] = [_("Choose at least one service.")]
    offered, brand_ok = offers or outlet_offers(
        outlet_id=outlet.pk,
        service_ids=[s.pk for s in services],
        brand_id=brand.pk if brand is not None else None,
    )
    missing = [s for s in services if s.pk not in offered]
    if services and missing:
        errors["services"] = [
            _("%(outlet)s does not offer %(services)s.")
            % {"outlet": outlet.display_name, "services": _names(missing)}
        ]
    if brand is not None and not brand_ok:
        errors["vehicle"] = [
            _("%(outlet)s is not authorized to service %(brand)s vehicles.")
            % {"outlet": outlet.display_name, "brand": brand.display_name}
        ]
    return errors


def no_bay_message(outlet: Outlet, needed: set[str]) -> str:
    return _(
        "No bay at %(outlet)s has every capability these services need together "
        "(%(capabilities)s); book them separately or choose another outlet."
    ) % {
        "outlet": outlet.display_name,
        "capabilities": capability_labels(needed),
    }


def check_servable(*, outlet: Outlet, services: Sequence[ServiceType], brand: Brand) -> None:
    """Rule 3 in full for work that starts now (a walk-in): the catalog and brand checks, and
    an active bay with every capability the services need. Raises ValidationError."""
    errors = serve_errors(outlet=outlet, services=services, brand=brand)
    if not errors:
        needed = needed_capabilities(services)
        if not outlet.bays.filter(is_active=True, capabilities__contains=sorted(needed)).exists():
            errors["services"] = [no_bay_message(outlet, needed)]
    if errors:
        raise ValidationError(errors)


@contextmanager
def fields_renamed(renames: Mapping[str, str]) -> Iterator[None]:
    """Name the fields of a rule's ValidationError after the caller's own input: the rules say
    "services" and "vehicle"; a query says `service=` and maybe `brand=`, a walk-in `vin`."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {renames.get(key, key): value for key, value in exc.message_dict.items()}
        ) from exc


def _hours_text(intervals: list[tuple[dt.datetime, dt.datetime]], zone: ZoneInfo) -> str:
    return ", ".join(
        f"{opens.astimezone(zone):%H:%M}–{closes.astimezone(zone):%H:%M}"
        for opens, closes in intervals
    )


def span_errors(*, start: dt.datetime, now: dt.datetime) -> list[str]:
    """Rule 2's lead time and horizon. Checked before any calendar is loaded and before any
    conversion: comparing aware datetimes cannot overflow, converting 9999-12-31T23:00-05:00
    to UTC (or 0001-01-01T05:00+08:00) can."""
    if start < now + LEAD_TIME:
        return [_("Book at least 1 hour ahead.")]
    if start > now + HORIZON:
        return [_("Bookings open at most 60 days ahead.")]
    return []


def bookable_days(zone: ZoneInfo, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local dates in `zone` on which a start may lie (rule 2)."""
    return (now + LEAD_TIME).astimezone(zone).date(), (now + HORIZON).astimezone(zone).date()


def _start_errors(
    *,
    calendar: OutletCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
) -> list[str]:
    """Rule 2 for one start within the span (see span_errors): closure, one opening interval,
    slot step."""
    outlet, zone = calendar.outlet, calendar.zone
    start = start.astimezone(UTC)
    day = start.astimezone(zone).date()
    if day in calendar.closures:
        reason = calendar.closures[day]
        if reason:
            return [
                _("%(outlet)s is closed on %(day)s (%(reason)s).")
                % {"outlet": outlet.display_name, "day": day.isoformat(), "reason": reason}
            ]
        return [_("%(outlet)s is closed on %(day)s.") % {"outlet": outlet.display_name, "day": day}]
    intervals = day_intervals(day, calendar.hours.get(day.weekday(), ()), zone)
    if not intervals:
        return [
            _("%(outlet)s is closed every %(weekday)s.")
            % {"outlet": outlet.display_name, "weekday": date_format(day, "l")}
        ]
    minutes = int(duration.total_seconds() // 60)
    for opens, closes in intervals:
        if opens <= start < closes:
            if start + duration > closes:
                break
            step = dt.timedelta(minutes=outlet.slot_step_minutes)
            if (start - opens) % step:
                return [
                    _("Start on the %(step)s-minute slots counted from %(opens)s.")
                    % {"step": outlet.slot_step_minutes, "opens": f"{opens.astimezone(zone):%H:%M}"}
                ]
            return []
    return [
        _(
            "The services take %(minutes)s minutes and must fit within one opening interval "
            "(%(hours)s on %(day)s)."
        )
        % {"minutes": minutes, "hours": _hours_text(intervals, zone), "day": day.isoformat()}
    ]


def validate_bookable(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    start: dt.datetime,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
    brand: Brand | None = None,
    hold: bool = False,
    ignore_booking_id: int | None = None,
    upcoming: UpcomingAsk | None = None,
) -> HeldDay | None:
    """Rules 2 and 3 for one start; raises ValidationError keyed by the input at fault.

    Occupancy is not checked: the database does that when the booking is written. With
    `hold` (a write path, inside its transaction) the outlet row is share-locked before the
    day is read and the capable bays are share-locked with their busy flags (bookings.locks):
    the HeldDay returned lets bookings.reservation write without reading them again.
    `upcoming` (with `hold`) locks the owner's row with the outlet's and reads the counts of
    bookings.lifecycle.caps with the bays (bookings.locks); no bay, no counts (refused anyway).
    """
    now = now or timezone.now()
    brand = brand_of(vehicle, brand)
    serving = None
    if hold:
        # Lock order (bookings.locks): outlet, then bays. The outlet's hours and offer come
        # with its lock; the closure is read after it, so a manager closing the day
        # meanwhile is seen here.
        serving = share_lock_outlet_serving(
            outlet.pk,
            service_ids=[s.pk for s in services],
            brand_id=brand.pk if brand is not None else None,
            lock_owner_id=upcoming.owner_id if upcoming is not None else None,
        )
    errors = serve_errors(
        outlet=outlet,
        services=services,
        brand=brand,
        offers=(serving.offered, serving.authorized) if serving else None,
    )
    if timezone.is_naive(start):
        errors["start"] = [_("Give the start with its UTC offset, e.g. 2026-11-24T09:00:00+08:00.")]
        raise ValidationError(errors)
    if errors.get("services"):
        raise ValidationError(errors)
    if errors_of_span := span_errors(start=start, now=now):
        errors["start"] = errors_of_span
        raise ValidationError(errors)
    needed = needed_capabilities(services)
    duration = booking_duration(services)
    day = outlet.local_day(start)
    held, closures = None, None
    if serving is not None:
        start_utc = start.astimezone(UTC)
        released = start_utc + duration + dt.timedelta(minutes=outlet.turnover_minutes)
        bays, closures = share_lock_day_bays(
            outlet_id=outlet.pk,
            needed=needed,
            start=start_utc,
            released=released,
            day=day,
            ignore_booking_id=ignore_booking_id,
            upcoming=upcoming,
        )
        held = HeldDay(
            outlet_id=outlet.pk,
            start=start_utc,
            released=released,
            bays=bays,
            upcoming=bays[0].upcoming if bays and upcoming is not None else None,
        )
        has_bay = bool(bays)
    else:
        has_bay = outlet.bays.filter(is_active=True, capabilities__contains=sorted(needed)).exists()
    if not has_bay:
        errors["services"] = [no_bay_message(outlet, needed)]
    calendar = load_day(outlet, day, hours=serving.hours if serving else None, closures=closures)
    start_errors = _start_errors(calendar=calendar, start=start, duration=duration)
    if start_errors:
        errors["start"] = start_errors
    if errors:
        raise ValidationError(errors)
    return held


def check_range(*, date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise ValidationError({"date_to": [_("date_to must not be before date_from.")]})
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(
            {"date_to": [_("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}]}
        )
