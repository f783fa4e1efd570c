"""Reads of extra work: a booking's lines, one line, the suggestions a car's next booking
shows, and the sending behind a link. Their joins are decided here, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from bookings.models import Booking
from vehicles.models import Vehicle
from workshop.models import Photo

from .models import EstimateLine, EstimateSending

State = EstimateLine.State


def _lines() -> QuerySet[EstimateLine]:
    return (
        EstimateLine.objects.select_related("service_type", "sending", "decided_by")
        .prefetch_related("parts", Prefetch("photos", queryset=Photo.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def estimate_lines(*, booking: Booking) -> list[EstimateLine]:
    """The booking's lines, oldest first, with their parts, photos and sending."""
    return list(_lines().filter(booking=booking))


def estimate_line_get(*, booking: Booking, line_id: int) -> EstimateLine:
    """One line of this booking; a line of another booking answers 404."""
    return get_object_or_404(_lines(), booking=booking, pk=line_id)


def sending_lines(*, sending: EstimateSending) -> list[EstimateLine]:
    return list(_lines().filter(sending=sending))


def estimate_suggestions(*, vehicle: Vehicle, before: Booking | None = None) -> list[EstimateLine]:
    """What the owner declined at this car's earlier visits, or approved and was left for a
    later visit (its work never completed), offered again: the latest such line of each kind
    of work (a catalog service, or a repair by its description), unless that work was done at
    a later visit. Newest first."""
    lines = (
        EstimateLine.objects.filter(booking__vehicle=vehicle)
        .filter(state__in=[State.DECLINED, State.APPROVED])
        .select_related("service_type", "booking__outlet")
        .order_by("-decided_at", "-pk")
    )
    if before is not None:
        lines = lines.exclude(booking=before).filter(booking__start__lt=before.start)
    seen: set[tuple] = set()
    suggestions: list[EstimateLine] = []
    for line in lines:
        subject = (line.service_type_id, "" if line.service_type_id else line.description.lower())
        if subject in seen:
            continue
        seen.add(subject)
        if line.state == State.DECLINED or line.work_completed_at is None:
            suggestions.append(line)
    return suggestions


def waiting_for_owner(lines: list[EstimateLine]) -> list[EstimateLine]:
    """Lines sent and not answered yet."""
    return [line for line in lines if line.sending_id is not None and line.is_open]


def waiting_counts(*, booking_ids: Collection[int], now: dt.datetime) -> dict[int, int]:
    """For each of these bookings that has any, how many of its lines wait for the owner's
    answer: sent, not answered, their sending's window still open at `now` and the car still in
    the workshop (a line past either has expired, whether or not estimates_expire has marked it
    yet). One query, for a list."""
    if not booking_ids:
        return {}
    rows = (
        EstimateLine.objects.filter(
            booking_id__in=booking_ids,
            state__in=EstimateLine.OPEN_STATES,
            sending__expires_at__gt=now,
            booking__status__in=EstimateLine.IN_WORKSHOP,
        )
        .order_by()
        .values_list("booking_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)
