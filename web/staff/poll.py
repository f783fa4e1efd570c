"""The staff board's live poll: the board's version, the one cheap read that tells a polling
board whether anything changed, and the signed token a poll presents instead of a session."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core import signing
from django.db.models import Count, Exists, Max, Q
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.queue import CARRIED_OVER
from outlets.models import Outlet, OutletMembership

# A poll token outlives a working day; an older board reloads itself to get a new one.
POLL_TOKEN_MAX_AGE = 16 * 3600
POLL_SALT = "web.staff.board-poll"


def _day_filter(outlet_id: int, day_start: dt.datetime, day_end: dt.datetime) -> Q:
    """The rows the day's board reads (bookings.queue.outlet_queue on today)."""
    return Q(outlet_id=outlet_id) & (
        Q(start__gte=day_start, start__lt=day_end) | Q(start__lt=day_start, status__in=CARRIED_OVER)
    )


def _version(latest: dt.datetime | None, count: int, now: dt.datetime) -> str:
    # The minute is part of the version: waits and the late/overrun flags move with the clock,
    # so an open board re-renders once a minute even when no row changed.
    minute = int(now.timestamp() // 60)
    raw = f"{count}:{latest.timestamp() if latest else 0}:{minute}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def board_version(
    *,
    outlet_id: int,
    user_id: int,
    day_start: dt.datetime,
    day_end: dt.datetime,
    now: dt.datetime | None = None,
) -> str:
    """The board's version in ONE query: the newest `updated_at` and the number of the day's
    bookings at the outlet (every status action saves the row and a walk-in adds one), counted
    only while the user is still staff there (or an alliance admin)."""
    now = now or timezone.now()
    # Uncorrelated subqueries: PostgreSQL runs each once for the query, not once per row.
    allowed = Exists(
        OutletMembership.objects.filter(user_id=user_id, outlet_id=outlet_id)
    ) | Exists(
        User.objects.filter(pk=user_id, is_active=True).filter(
            Q(is_staff=True) | Q(is_superuser=True)
        )
    )
    figures = (
        Booking.objects.filter(_day_filter(outlet_id, day_start, day_end))
        .filter(allowed)
        .aggregate(latest=Max("updated_at"), count=Count("id"))
    )
    return _version(figures["latest"], figures["count"], now)


def poll_token(*, outlet: Outlet, user: User, day: dt.date) -> str:
    """What the board's poller presents instead of a session: outlet, user and the day's bounds,
    signed. A poll then needs no session or user row, only the version query."""
    day_start, day_end = outlet.day_bounds(day)
    return signing.dumps(
        {"o": outlet.pk, "u": user.pk, "s": day_start.timestamp(), "e": day_end.timestamp()},
        salt=POLL_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class PollGrant:
    outlet_id: int
    user_id: int
    day_start: dt.datetime
    day_end: dt.datetime


def poll_grant(token: str) -> PollGrant | None:
    """The grant a poll token carries; None when forged, malformed or expired."""
    try:
        data = signing.loads(token, salt=POLL_SALT, max_age=POLL_TOKEN_MAX_AGE)
        return PollGrant(
            outlet_id=int(data["o"]),
            user_id=int(data["u"]),
            day_start=dt.datetime.fromtimestamp(float(data["s"]), tz=dt.UTC),
            day_end=dt.datetime.fromtimestamp(float(data["e"]), tz=dt.UTC),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
