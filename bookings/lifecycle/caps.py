"""No hoarding (DESIGN "Identity and trust"): how many upcoming bookings a car and an account
may hold, and how many creates and reschedules an account may make in an hour.

The caps are counted under the owner's row lock, taken FOR NO KEY UPDATE by the statement that
share-locks the outlet (bookings.locks.share_lock_outlet_serving) and counted by the next one,
the bay lock (share_lock_day_bays): two creates of one account run one after the other and
cannot both pass, and the cap costs no round trip of its own. "Upcoming" is an active booking
(ACTIVE_STATUSES: it holds its bay) whose start is after now. Bookings made by staff (a phone
booking, a walk-in, or any booking an actor other than the owner makes) are never refused;
they count towards the car's and the account's upcoming bookings all the same, since they hold
the same slots.

The hourly limits count an account's successful creates and reschedules (not its refused
attempts) in the cache, as time stamps from the service's clock: a stamp older than an hour is
dropped when read, so the cache entry's own expiry only collects garbage and tests on a fixed
clock are exact. Two requests at the same instant may both pass the last place (a read, then a
write); a rate limit needs no more. Redis down: no limit (hima_service.cache answers a miss).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import BookingLimit, BookingRateLimited

from ..locks import Upcoming
from ..models import ACTIVE_STATUSES, Booking

CAR_UPCOMING_LIMIT = 2
ACCOUNT_UPCOMING_LIMIT = 5
WINDOW = timedelta(hours=1)
CREATE = "create"
RESCHEDULE = "reschedule"


def made_by_owner(*, owner: User, channel: str, actor: User | None) -> bool:
    """Whether the caps apply: an online booking the owner makes for themselves."""
    return channel == Booking.Channel.ONLINE and (actor is None or actor.pk == owner.pk)


def check_upcoming(*, upcoming: Upcoming, owner: User, vehicle_id: int, now: datetime) -> None:
    """BookingLimit when the car already holds CAR_UPCOMING_LIMIT upcoming bookings, or the
    account ACCOUNT_UPCOMING_LIMIT. The sentence names the rule and the bookings that fill it
    (one more query, on a refusal only)."""
    if upcoming.vehicle >= CAR_UPCOMING_LIMIT:
        references = _references(Booking.objects.filter(vehicle_id=vehicle_id), now)
        raise BookingLimit(
            _(
                "A car may hold at most %(limit)s upcoming bookings, and this one already has "
                "%(count)s (%(references)s). Cancel one of them, or book again after it."
            )
            % {"limit": CAR_UPCOMING_LIMIT, "count": upcoming.vehicle, "references": references},
            fields={
                "vehicle": [
                    _("At most %(limit)s upcoming bookings per car.")
                    % {"limit": CAR_UPCOMING_LIMIT}
                ]
            },
        )
    if upcoming.owner >= ACCOUNT_UPCOMING_LIMIT:
        references = _references(Booking.objects.filter(owner=owner), now)
        raise BookingLimit(
            _(
                "An account may hold at most %(limit)s upcoming bookings, and yours already has "
                "%(count)s (%(references)s). Cancel one of them, or book again after it."
            )
            % {"limit": ACCOUNT_UPCOMING_LIMIT, "count": upcoming.owner, "references": references},
            fields={
                "vehicle": [
                    _("At most %(limit)s upcoming bookings per account.")
                    % {"limit": ACCOUNT_UPCOMING_LIMIT}
                ]
            },
        )


def _references(bookings, now: datetime) -> str:
    found = bookings.filter(status__in=ACTIVE_STATUSES, start__gt=now).order_by("start")
    return ", ".join(found.values_list("reference", flat=True))


def _limit(scope: str) -> int:
    if scope == CREATE:
        return settings.BOOKING_CREATES_PER_HOUR
    return settings.BOOKING_RESCHEDULES_PER_HOUR


def _key(scope: str, user_id: int) -> str:
    return f"booking-rate:{scope}:{user_id}"


def _recent(scope: str, user_id: int, now: datetime) -> list[float]:
    since = (now - WINDOW).timestamp()
    return [stamp for stamp in cache.get(_key(scope, user_id)) or [] if stamp > since]


def check_rate(*, scope: str, user: User, now: datetime) -> None:
    """BookingRateLimited (429, with Retry-After) when the account already made its hour's
    creates (`scope` CREATE) or reschedules (RESCHEDULE)."""
    limit = _limit(scope)
    recent = _recent(scope, user.pk, now)
    if len(recent) < limit:
        return
    wait = max(1, math.ceil(min(recent) + WINDOW.total_seconds() - now.timestamp()))
    minutes = math.ceil(wait / 60)
    if scope == CREATE:
        detail = _(
            "An account may make at most %(limit)s bookings an hour; "
            "please try again in %(minutes)s min."
        )
        note = _("At most %(limit)s bookings an hour.")
        field = "vehicle"
    else:
        detail = _(
            "An account may move bookings at most %(limit)s times an hour; "
            "please try again in %(minutes)s min."
        )
        note = _("At most %(limit)s moves an hour.")
        field = "start"
    raise BookingRateLimited(
        detail % {"limit": limit, "minutes": minutes},
        retry_after=wait,
        fields={field: [note % {"limit": limit}]},
    )


def record_rate(*, scope: str, user: User, now: datetime) -> None:
    """Count one create or reschedule of the account (after it succeeded)."""
    recent = _recent(scope, user.pk, now)
    cache.set(_key(scope, user.pk), [*recent, now.timestamp()], int(WINDOW.total_seconds()))
