"""Writes on outlets: what a manager may change (hours, closures, bays), with its rules.

Bookings are reached only through reverse relations (`outlet.bookings`, `bay.bookings`): imports
flow bookings → outlets, never back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hima_service.exceptions import Conflict, NotFound

from .models import Bay, Capability, Closure, OpeningHours, Outlet, capability_labels
from .schedule import day_intervals
from .selectors import outlet_local_today

# How far ahead a closure is planned: next year's holidays, not the end of the calendar.
CLOSURES_AHEAD = dt.timedelta(days=2 * 366)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNSET: Any = object()  # "not given", as opposed to an explicit value


class Interval(TypedDict):
    weekday: int
    opens: dt.time
    closes: dt.time


def _span(interval: Interval) -> str:
    return f"{interval['opens']:%H:%M}–{interval['closes']:%H:%M}"


def validate_week(intervals: Iterable[Interval]) -> None:
    """Raise ValidationError({"hours": [...]}) unless every interval is on weekday 0–6, closes
    after it opens, and overlaps (or touches) no other interval of its day. Shared with the admin
    so that both enforce one rule."""
    errors: list[str] = []
    by_day: dict[int, list[Interval]] = {}
    for interval in intervals:
        day, opens, closes = interval["weekday"], interval["opens"], interval["closes"]
        if not 0 <= day <= 6:
            errors.append(
                _("Weekday %(day)s does not exist: use 0 (Monday) to 6 (Sunday).") % {"day": day}
            )
            continue
        if closes <= opens:
            errors.append(
                _("%(day)s: %(hours)s closes before it opens.")
                % {"day": WEEKDAY_NAMES[day], "hours": _span(interval)}
            )
            continue
        by_day.setdefault(day, []).append(interval)
    for day, of_day in sorted(by_day.items()):
        of_day.sort(key=lambda i: i["opens"])
        for before, after in zip(of_day, of_day[1:], strict=False):
            # Touching intervals are one interval written twice: refused, to keep one truth.
            if after["opens"] <= before["closes"]:
                errors.append(
                    _("%(day)s: %(first)s and %(second)s overlap.")
                    % {"day": WEEKDAY_NAMES[day], "first": _span(before), "second": _span(after)}
                )
    if errors:
        raise ValidationError({"hours": errors})


@transaction.atomic
def outlet_hours_replace(*, outlet: Outlet, intervals: Sequence[Interval]) -> Outlet:
    """Replace the whole week's opening intervals at once. Refused (409 naming them) while an
    active booking still to start would no longer fit one opening interval of its day: as a
    closure, new hours never strand a customer; the manager moves those bookings first.

    Locks the outlet row before reading the bookings: two managers saving at the same time leave
    one week, not a mix of both, and a booking being made meanwhile (it share-locks the row) is
    either seen here or made against the new week."""
    validate_week(intervals)
    Outlet.objects.select_for_update().filter(pk=outlet.pk).first()
    if outside := _outside_week(outlet=outlet, intervals=intervals):
        raise Conflict(
            ngettext(
                "%(count)s active booking would fall outside these opening hours and must be "
                "moved or cancelled first: %(refs)s.",
                "%(count)s active bookings would fall outside these opening hours and must be "
                "moved or cancelled first: %(refs)s.",
                len(outside),
            )
            % {"count": len(outside), "refs": _named(outside)},
            fields={"hours": [_("Active bookings fall outside these hours.")]},
        )
    OpeningHours.objects.filter(outlet=outlet).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(outlet=outlet, weekday=i["weekday"], opens=i["opens"], closes=i["closes"])
        for i in intervals
    )
    return outlet


def _outside_week(*, outlet: Outlet, intervals: Sequence[Interval]) -> list[str]:
    """The references of the outlet's active bookings still to start that no interval of the
    week would hold whole (rule 2: one opening interval of the booking's local day, DST-exact as
    the engine computes it), soonest first. A visit already under way is the workshop's."""
    week: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for interval in intervals:
        week.setdefault(interval["weekday"], []).append((interval["opens"], interval["closes"]))
    zone = outlet.zone
    upcoming = (
        _active_bookings(outlet.bookings)
        .filter(start__gt=timezone.now())
        .order_by("start", "pk")
        .values_list("reference", "start", "end")
    )
    outside: list[str] = []
    for reference, start, end in upcoming:
        day = start.astimezone(zone).date()
        opening = day_intervals(day, week.get(day.weekday(), ()), zone)
        if not any(opens <= start and end <= closes for opens, closes in opening):
            outside.append(reference)
    return outside


def _active_bookings(related: Any) -> QuerySet:
    """Active bookings through a reverse relation (`outlet.bookings`, `bay.bookings`); the
    Booking model is reached as the relation's model, so outlets never imports bookings."""
    return related.filter(status__in=related.model.ACTIVE_STATUSES)


def _references(bookings: QuerySet, *, limit: int = 10) -> str:
    references = bookings.order_by("start").values_list("reference", flat=True)[: limit + 1]
    return _named(list(references), limit=limit)


def _named(references: Sequence[str], *, limit: int = 10) -> str:
    """The first `limit` references, and "and more" when there are others."""
    named = ", ".join(references[:limit])
    if len(references) > limit:
        return _("%(references)s and more") % {"references": named}
    return named


@transaction.atomic
def closure_create(
    *, outlet: Outlet, date: dt.date, reason: str = "", reason_zh: str = ""
) -> Closure:
    """Close the outlet for a day. Refused for a past day, a day already closed, or a day that
    still holds active bookings (they must be moved first: a closure never strands a customer).

    Locks the outlet row so that the booking check and the insert see the same day."""
    today = outlet_local_today(outlet=outlet)
    if date < today:
        raise ValidationError({"date": [_("This day is in the past.")]})
    try:
        MaxValueValidator(today + CLOSURES_AHEAD)(date)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages}) from exc
    Outlet.objects.select_for_update().filter(pk=outlet.pk).first()
    if outlet.closures.filter(date=date).exists():
        raise ValidationError({"date": [_("The outlet is already closed on that day.")]})
    day_start, day_end = outlet.day_bounds(date)
    booked = _active_bookings(outlet.bookings).filter(start__lt=day_end, end__gt=day_start)
    if booked.exists():
        raise Conflict(
            _("%(count)s active booking(s) on %(date)s must be moved or cancelled first: %(refs)s.")
            % {"count": booked.count(), "date": date.isoformat(), "refs": _references(booked)},
            fields={"date": [_("The outlet has active bookings on that day.")]},
        )
    try:
        with transaction.atomic():
            return Closure.objects.create(
                outlet=outlet, date=date, reason=reason.strip(), reason_zh=reason_zh.strip()
            )
    except IntegrityError as exc:  # a concurrent request closed the same day first
        raise ValidationError({"date": [_("The outlet is already closed on that day.")]}) from exc


@transaction.atomic
def closure_delete(*, outlet: Outlet, date: dt.date) -> None:
    """Reopen a closed day."""
    deleted, _by_model = Closure.objects.filter(outlet=outlet, date=date).delete()
    if not deleted:
        raise NotFound(_("The outlet is not closed on that day."))


def _clean_capabilities(capabilities: Iterable[str]) -> list[str]:
    allowed = set(Capability.values)
    cleaned: list[str] = []
    for capability in capabilities:
        if capability not in allowed:
            message = _("%(capability)s is not a capability.") % {"capability": repr(capability)}
            raise ValidationError({"capabilities": [message]})
        if capability not in cleaned:
            cleaned.append(capability)
    if not cleaned:
        raise ValidationError({"capabilities": [_("A bay needs at least one capability.")]})
    return cleaned


def _check_name_free(*, outlet: Outlet, name: str, bay: Bay | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("A bay needs a name.")]})
    taken = Bay.objects.filter(outlet=outlet, name__iexact=name)
    if bay is not None:
        taken = taken.exclude(pk=bay.pk)
    if taken.exists():
        raise ValidationError({"name": [_("This outlet already has a bay with this name.")]})
    return name


@transaction.atomic
def bay_create(
    *,
    outlet: Outlet,
    name: str,
    capabilities: Iterable[str],
    is_active: bool = True,
    name_zh: str = "",
) -> Bay:
    """Add a bay (capacity) to the outlet; its name is unique at the outlet."""
    name = _check_name_free(outlet=outlet, name=name)
    capabilities = _clean_capabilities(capabilities)
    try:
        with transaction.atomic():
            return Bay.objects.create(
                outlet=outlet,
                name=name,
                name_zh=name_zh.strip(),
                capabilities=capabilities,
                is_active=is_active,
            )
    except IntegrityError as exc:  # the same name created concurrently
        raise ValidationError(
            {"name": [_("This outlet already has a bay with this name.")]}
        ) from exc


@transaction.atomic
def bay_update(
    *,
    bay: Bay,
    name: str = UNSET,
    capabilities: Iterable[str] = UNSET,
    is_active: bool = UNSET,
    name_zh: str = UNSET,
) -> Bay:
    """Rename a bay, change its capabilities or (de)activate it.

    A bay that still holds future active bookings can be neither deactivated nor stripped of a
    capability those bookings need: 409 naming them, so the manager moves them first.

    Locks the bay row FOR UPDATE before looking at its bookings: a booking being inserted on
    this bay holds a key-share lock on it, so this waits for that insert to commit and then
    sees it, instead of deactivating a bay under a booking it did not see."""
    locked = Bay.objects.select_for_update().get(pk=bay.pk)
    upcoming = _active_bookings(locked.bookings).filter(end__gt=timezone.now())
    changed: list[str] = []

    if name is not UNSET:
        locked.name = _check_name_free(outlet=locked.outlet, name=name, bay=locked)
        changed.append("name")

    if name_zh is not UNSET:
        locked.name_zh = name_zh.strip()
        changed.append("name_zh")

    if capabilities is not UNSET:
        new = _clean_capabilities(capabilities)
        removed = set(locked.capabilities) - set(new)
        if removed:
            needing = upcoming.filter(
                booking_services__service_type__capability__in=removed
            ).distinct()
            if needing.exists():
                raise Conflict(
                    _(
                        "Bay %(bay)s has upcoming bookings that need %(caps)s: %(refs)s. "
                        "Move them first."
                    )
                    % {
                        "bay": locked.display_name,
                        "caps": capability_labels(removed),
                        "refs": _references(needing),
                    },
                    fields={"capabilities": [_("Upcoming bookings need the removed capability.")]},
                )
        locked.capabilities = new
        changed.append("capabilities")

    if is_active is not UNSET:
        if locked.is_active and not is_active and upcoming.exists():
            raise Conflict(
                _(
                    "Bay %(bay)s has %(count)s upcoming booking(s): %(refs)s. "
                    "Move them to another bay first."
                )
                % {
                    "bay": locked.display_name,
                    "count": upcoming.count(),
                    "refs": _references(upcoming),
                },
                fields={"is_active": [_("The bay has upcoming bookings.")]},
            )
        locked.is_active = is_active
        changed.append("is_active")

    if changed:
        try:
            with transaction.atomic():
                locked.save(update_fields=changed)
        except IntegrityError as exc:
            raise ValidationError(
                {"name": [_("This outlet already has a bay with this name.")]}
            ) from exc
    return locked


# The desk's limits are counted in a PositiveSmallIntegerField.
DESK_LIMIT_MAX = 32767


def _desk_limit(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= DESK_LIMIT_MAX:
        raise ValidationError({name: [_("Give at least 1 car, or leave it empty for no limit.")]})
    return value


def _check_crews_held(outlet: Outlet) -> None:
    """Conflict while active bookings not yet over hold no crew. Once crews are planned, the
    availability and the crew constraint count only the technicians bookings hold: those
    bookings' work would be invisible, and their technicians sold again for the same hours.
    Giving them crews is the reservation core's (bookings, above this layer), so they are named
    for the manager to cancel, or to let run out, first."""
    crewless = _active_bookings(outlet.bookings).filter(end__gt=timezone.now(), crew=[])
    if count := crewless.count():
        raise Conflict(
            ngettext(
                "%(count)s upcoming booking was planned by bays alone and holds no crew: "
                "%(refs)s. Plan by crews once it is over, or cancel it first.",
                "%(count)s upcoming bookings were planned by bays alone and hold no crew: "
                "%(refs)s. Plan by crews once they are over, or cancel them first.",
                count,
            )
            % {"count": count, "refs": _references(crewless)},
            fields={"plans_crews": [_("Upcoming bookings hold no crew.")]},
        )


@transaction.atomic
def outlet_capacity_update(
    *,
    outlet: Outlet,
    plans_crews: bool = UNSET,
    desk_per_slot: int | None = UNSET,
    desk_per_day: int | None = UNSET,
) -> Outlet:
    """Set how the outlet plans its work (by bays alone, or by crews as well) and its service
    desk's limits (cars per slot start and per day; None: no limit; at least 1 otherwise).
    Bookings already made are kept: only what is offered from now on changes. Planning by crews
    is refused (409 naming them) while upcoming active bookings were planned by bays alone and
    hold no crew. Locks the outlet row, as outlet_hours_replace does, so that no booking is
    made by bays alone between that check and the switch (a create share-locks the row)."""
    locked = Outlet.objects.select_for_update().get(pk=outlet.pk)
    changed: dict[str, Any] = {}
    if desk_per_slot is not UNSET:
        changed["desk_per_slot"] = _desk_limit("desk_per_slot", desk_per_slot)
    if desk_per_day is not UNSET:
        changed["desk_per_day"] = _desk_limit("desk_per_day", desk_per_day)
    if plans_crews is not UNSET:
        if plans_crews and not locked.plans_crews:
            _check_crews_held(locked)  # after the input is checked: a 400 before a 409
        changed["plans_crews"] = bool(plans_crews)
    for name, value in changed.items():
        setattr(locked, name, value)
        setattr(outlet, name, value)
    if changed:
        locked.save(update_fields=list(changed))
    return locked
