"""The staff board as the pages show it: the day's queue (bookings.queue) arranged into stages
and cards, and the board's version, the one cheap read that tells a polling board whether
anything changed.

Which actions a card offers comes from the state machine's table (bookings.lifecycle.table),
through the board's own table of actions (web.staff.actions), so the page never offers a move the
services would refuse for its status."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.db.models import Count, Exists, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.access import staff_outlet_ids
from bookings.lifecycle.status import NO_SHOW_AFTER
from bookings.lifecycle.table import ALLOWED
from bookings.models import Booking
from bookings.queue import CARRIED_OVER, QueueEntry, outlet_queue
from outlets.catalog import booking_duration, needed_capabilities
from outlets.models import Bay, Outlet, OutletMembership, ServiceType
from recalls.selectors import open_recalls_by_vehicle

from .actions import ACTIONS, BoardAction
from .crew import CrewFlag, CrewMember, ProposedCrew, crew_flags, crews_of, start_crews

Status = Booking.Status

STAGES: list[tuple[str, Any]] = [
    (Status.CONFIRMED, _("Expected")),
    (Status.CHECKED_IN, _("Checked in")),
    (Status.IN_SERVICE, _("In service")),
    (Status.READY, _("Ready for pickup")),
]

# A poll token outlives a working day; an older board reloads itself to get a new one.
POLL_TOKEN_MAX_AGE = 16 * 3600
POLL_SALT = "web.staff.board-poll"


@dataclass
class Card:
    booking: Booking
    entry: QueueEntry
    services: list[ServiceType]
    moves: frozenset[str]
    late: bool
    overrun: bool
    from_earlier_day: bool
    # Expected, and 30 minutes past its start: only then may it be marked a no-show.
    no_show_due: bool = False
    open_recalls: list[Any] = field(default_factory=list)
    failed: dict[str, forms.Form] = field(default_factory=dict)
    # Checked in: the bays it can start on now, free until its work would end, the one to
    # propose first (its own bay when it can keep it).
    start_bays: list[Bay] = field(default_factory=list)
    # The technicians the booking holds, lead first (web.staff.crew).
    crew: list[CrewMember] = field(default_factory=list)
    # Checked in, at an outlet that plans crews: the crews that may start it now, the one to
    # propose first (its own crew when it still may).
    start_crews: list[ProposedCrew] = field(default_factory=list)
    # The people it holds who may no longer do its work on its day (a certificate lapsed…).
    crew_flags: list[CrewFlag] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """The sentences of refused actions, shown at the top of the card: the refused form may
        no longer be on it (another desk moved the car meanwhile)."""
        return [str(m) for form in self.failed.values() for m in form.non_field_errors()]

    @property
    def actions(self) -> list[tuple[BoardAction, forms.Form]]:
        """The actions the state machine allows from the card's status, in the board's order,
        each with its form: the refused one as it was submitted (values and errors), else a
        fresh one. A no-show is offered only once it is due."""
        return [
            (a, self.failed.get(a.name) or a.form(booking=self.booking))
            for a in ACTIONS
            if a.to in self.moves and (a.to != Status.NO_SHOW or self.no_show_due)
        ]

    @property
    def is_night(self) -> bool:
        return self.booking.mode == Booking.Mode.NIGHT_SERVICE

    @property
    def is_pickup(self) -> bool:
        return self.booking.mode == Booking.Mode.PICKUP_DELIVERY


@dataclass
class Stage:
    status: str
    title: Any
    cards: list[Card]


@dataclass
class Board:
    outlet: Outlet
    day: dt.date
    stages: list[Stage]
    bays: list[Bay]
    version: str
    poll_token: str


def _card(entry: QueueEntry, *, now: dt.datetime) -> Card:
    booking = entry.booking
    standard = booking.bay_released_at - booking.start
    return Card(
        booking=booking,
        entry=entry,
        services=[line.service_type for line in booking.booking_services.all()],
        moves=ALLOWED.get(booking.status, frozenset()),
        # Expected and not here at the promised time.
        late=booking.status == Status.CONFIRMED and now > booking.start,
        no_show_due=booking.status == Status.CONFIRMED and now >= booking.start + NO_SHOW_AFTER,
        # In service longer than the standard labour time of its services.
        overrun=booking.status == Status.IN_SERVICE
        and booking.started_at is not None
        and now > booking.started_at + standard,
        # Carried over from an earlier day (still in service or not yet collected).
        from_earlier_day=booking.outlet.local_day(booking.start) != booking.outlet.local_day(now),
    )


def _start_bays(cards: list[Card], bays: list[Bay], *, outlet: Outlet, now: dt.datetime) -> None:
    """Give each checked-in card the bays it can start on now: capable, and free from now
    until its standard work and the turnover would end, by the exclusion constraint's own rule
    (another active booking on the bay over that time refuses the start: booking_start's
    check). A car in service holds its bay even past its booked end. Its own bay first when
    it keeps it (on time or late, the reservation stands), then best fit first, as the
    reservation core orders them. One query for the whole board."""
    waiting = [c for c in cards if c.booking.status == Status.CHECKED_IN]
    if not waiting:
        return
    ends: dict[int, dt.datetime] = {}
    for card in waiting:
        lines = list(card.booking.booking_services.all())
        ends[card.booking.pk] = (
            now + booking_duration(lines) + dt.timedelta(minutes=outlet.turnover_minutes)
        )
    held = Booking.objects.filter(
        Q(bay_released_at__gt=now) | Q(status=Status.IN_SERVICE),
        outlet_id=outlet.pk,
        bay__isnull=False,
        status__in=Booking.ACTIVE_STATUSES,
        start__lt=max(ends.values()),
    ).values_list("pk", "bay_id", "start", "bay_released_at", "status")
    # A car in service is on its bay until it leaves it: an overrun's span ends no sooner
    # than now, and `end >= now` below counts it.
    spans = [
        (pk, bay_id, start, max(released, now) if status == Status.IN_SERVICE else released)
        for pk, bay_id, start, released, status in held
    ]
    ordered = sorted(bays, key=lambda bay: (len(bay.capabilities), bay.name, bay.pk))
    for card in waiting:
        booking, until = card.booking, ends[card.booking.pk]
        needed = needed_capabilities(card.services)

        def free(bay: Bay, booking: Booking = booking, until: dt.datetime = until) -> bool:
            return not any(
                bay_id == bay.pk and pk != booking.pk and start < until and end >= now
                for pk, bay_id, start, end in spans
            )

        keeps = booking.bay_id is not None and now >= booking.start
        usable = [b for b in ordered if needed <= set(b.capabilities) and free(b)]
        own = [b for b in ordered if b.pk == booking.bay_id and (keeps or b in usable)]
        card.start_bays = own + [b for b in usable if b.pk != booking.bay_id]


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


def board_read(
    *,
    outlet: Outlet,
    user: User,
    failed: dict[tuple[str, str], forms.Form] | None = None,
    now: dt.datetime | None = None,
) -> Board:
    """Today's board at the outlet for this user. The version is read before the queue, so a
    change that lands in between makes the next poll see a newer version, never an older one."""
    now = now or timezone.now()
    day = outlet.local_day(now)
    day_start, day_end = outlet.day_bounds(day)
    version = board_version(
        outlet_id=outlet.pk, user_id=user.pk, day_start=day_start, day_end=day_end, now=now
    )
    entries = outlet_queue(outlet=outlet, day=day, now=now)
    cards_by_stage: dict[str, list[Card]] = {status: [] for status, _title in STAGES}
    # One query for every car on the board: the recall campaigns still open on each.
    recalls = open_recalls_by_vehicle([entry.booking.vehicle for entry in entries])
    # And one for every crew's names.
    crews = crews_of(entry.booking for entry in entries)
    for entry in entries:
        if entry.booking.status not in cards_by_stage:
            continue  # finished, cancelled and no-show bookings leave the board
        card = _card(entry, now=now)
        card.open_recalls = recalls.get(entry.booking.vehicle_id, [])
        card.crew = crews.get(entry.booking.pk, [])
        for (reference, action), form in (failed or {}).items():
            if reference == entry.booking.reference:
                card.failed[action] = form
        cards_by_stage[entry.booking.status].append(card)
    for cards in cards_by_stage.values():
        cards.sort(key=lambda c: (c.booking.promised, c.booking.pk))  # by promised time
    bays = list(outlet.bays.filter(is_active=True).order_by("name"))
    waiting = cards_by_stage[Status.CHECKED_IN]
    _start_bays(waiting, bays, outlet=outlet, now=now)
    # One read of the crews calendar for every car waiting to start, one of the people for
    # every card's crew (web.staff.crew: neither at an outlet planned by bays alone).
    proposed = start_crews([c.booking for c in waiting], outlet=outlet, now=now)
    shown = [card for cards in cards_by_stage.values() for card in cards]
    flags = crew_flags([card.booking for card in shown])
    for card in shown:
        card.start_crews = proposed.get(card.booking.pk, [])
        card.crew_flags = flags.get(card.booking.pk, [])
    return Board(
        outlet=outlet,
        day=day,
        stages=[Stage(status, title, cards_by_stage[status]) for status, title in STAGES],
        bays=bays,
        version=version,
        poll_token=poll_token(outlet=outlet, user=user, day=day),
    )


def staff_outlets(*, user: User) -> list[Outlet]:
    """The outlets whose board the user may open, by code (alliance admins: every active one)."""
    outlets = Outlet.objects.filter(is_active=True)
    if not user.is_alliance_admin:
        outlets = outlets.filter(pk__in=staff_outlet_ids(user))
    return list(outlets.order_by("code"))


def is_manager(*, user: User, outlet: Outlet) -> bool:
    """Whether the manager pages exist for this user at this outlet (outlets.selectors decides
    on each of them; this only decides whether to link them)."""
    return (
        user.is_alliance_admin
        or OutletMembership.objects.filter(
            user=user, outlet=outlet, role=OutletMembership.Role.MANAGER
        ).exists()
    )
