"""Booking rules that span objects beyond the calendar: how the car comes in (mode, pickup
address, the Starry Night Service and its nightly places), and the owner's change deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import RuleViolation
from outlets.models import Outlet

from ..access import may_run
from ..locks import lock_outlet_nights
from ..models import PICKUP_MODES, Booking

OWNER_CHANGE_DEADLINE = timedelta(hours=2)
NIGHT_SERVICE_FROM_HOUR = 18


def check_mode(*, outlet: Outlet, mode: str, pickup_address: str, start: datetime) -> None:
    """Pickup modes need an address; the night service needs an outlet that offers it and a
    start from the evening on."""
    if mode in PICKUP_MODES and not pickup_address.strip():
        raise ValidationError(
            {"pickup_address": [_("Pickup modes need the address to collect at.")]}
        )
    if mode != Booking.Mode.NIGHT_SERVICE:
        return
    if not outlet.night_service:
        raise ValidationError({"mode": [_("This outlet does not offer the Starry Night Service.")]})
    if start.astimezone(outlet.zone).hour < NIGHT_SERVICE_FROM_HOUR:
        raise ValidationError(
            {
                "start": [
                    _("Night service cars are collected from %(hour)s:00 on.")
                    % {"hour": NIGHT_SERVICE_FROM_HOUR}
                ]
            }
        )


def check_night_capacity(
    *, outlet: Outlet, start: datetime, exclude: Booking | None = None
) -> None:
    """Night-service cars per night stay within the outlet's capacity; counted under the
    outlet's night lock, so two concurrent night bookings cannot both take the last place."""
    lock_outlet_nights(outlet.pk)
    night_start, night_end = outlet.day_bounds(outlet.local_day(start))
    # A night's places are taken by every car that came or will come that night, finished
    # ones included; only cancelled and no-show bookings give a place back.
    taken = Booking.objects.filter(
        outlet=outlet,
        mode=Booking.Mode.NIGHT_SERVICE,
        start__gte=night_start,
        start__lt=night_end,
    ).exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.NO_SHOW])
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.count() >= outlet.night_capacity:
        raise RuleViolation(
            _("The Starry Night Service is fully booked that night."),
            fields={"start": [_("Full.")]},
        )


def check_owner_deadline(*, booking: Booking, actor: User, now: datetime, action: str) -> None:
    """Owners may change a booking until 2 h before its start; staff may override (rule 5).
    `action` is "rescheduled" or "cancelled"."""
    if may_run(actor, booking):
        return
    if booking.start - now < OWNER_CHANGE_DEADLINE:
        message = (
            _(
                "Bookings can be rescheduled online until 2 hours before the start; "
                "please call the outlet."
            )
            if action == "rescheduled"
            else _(
                "Bookings can be cancelled online until 2 hours before the start; "
                "please call the outlet."
            )
        )
        raise RuleViolation(message, fields={"start": [_("Less than 2 hours before the start.")]})
