"""The staff board as the pages show it: the day's queue (bookings.queue) arranged into stages
and cards (the board's version and its poll token: web.staff.poll).

Which actions a card offers comes from the state machine's table (bookings.lifecycle.table),
through the board's own table of actions (web.staff.actions), so the page never offers a move the
services would refuse for its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.access import staff_outlet_ids
from bookings.lifecycle.status import NO_SHOW_AFTER
from bookings.lifecycle.table import ALLOWED
from bookings.models import Booking
from bookings.queue import QueueEntry, outlet_queue, queue_crews
from outlets.catalog import booking_duration, needed_capabilities
from outlets.models import Bay, Outlet, OutletMembership, ServiceType
from recalls.selectors import open_recalls_by_vehicle

from .actions import ACTIONS, BoardAction
from .crew import CrewFlag, CrewMember, ProposedCrew, crew_flags, crews_of, start_crews
from .poll import board_version, poll_token

Status = Booking.Status

STAGES: list[tuple[str, Any]] = [
    (Status.CONFIRMED, _("Expected")),
    (Status.CHECKED_IN, _("Checked in")),
    (Status.IN_SERVICE, _("In service")),
    (Status.READY, _("Ready for pickup")),
]


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
    # The crews calendar once, for the queue's estimates and the Start forms' crews (none at
    # an outlet planned by bays alone).
    calendar = queue_crews(outlet=outlet, day=day, now=now)
    entries = outlet_queue(outlet=outlet, day=day, now=now, crews=calendar)
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
    # The crews that may start each waiting car, from the calendar read above, and one read of
    # the people for every card's crew (web.staff.crew: neither at an outlet planned by bays
    # alone).
    proposed = start_crews([c.booking for c in waiting], outlet=outlet, now=now, calendar=calendar)
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
