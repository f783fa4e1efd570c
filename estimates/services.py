"""The estimate rules: staff propose extra work and send it, the owner opens the signed link
and approves or declines line by line, lines left unanswered run out, and work on a line
waits for its approval.

Locks: every write takes the booking row first (bookings.locks.lock_booking), then the lines
it changes FOR UPDATE, in that order, so two answers on one booking run one after the other
and the second sees the first. Each write bumps the booking's `updated_at`: the staff board and
the owner's timeline poll that column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.availability.rules import check_servable, fields_renamed
from bookings.extension import extend_booking
from bookings.lifecycle.status import booking_ready_locked
from bookings.lifecycle.table import transition_for
from bookings.locks import lock_booking
from bookings.models import Booking
from bookings.notify.outbox import notify_estimate_sent
from crews.roster import load_members
from crews.rules import CrewNeeds, Problem, crew_problems
from hima_service.exceptions import Conflict, CrewUnavailable, NotFound, RuleViolation, SlotTaken
from outlets.models import ServiceType, capability_labels
from pricing.selectors import labour_rate, service_prices
from workshop.models import Photo
from workshop.photos import PreparedPhoto, photo_save

from . import links
from .errors import AlreadyDecided, ExtraWorkUnfinished, LinkExpired, NotApproved
from .models import EstimateLine, EstimatePart, EstimateSending, part_total

State = EstimateLine.State
Hold = EstimateLine.Hold
OPEN = EstimateLine.OPEN_STATES
# Extra work is found on the car in the workshop: checked in or in service.
PROPOSABLE = EstimateLine.IN_WORKSHOP
CENT = Decimal("0.01")
# What one line's price can be: its column is numeric(10, 2) (EstimateLine.price).
MAX_LINE_PRICE = Decimal("99999999.99")


@dataclass(frozen=True)
class PartInput:
    name: str
    quantity: Decimal
    unit_price: Decimal


def _touch(booking: Booking, now: dt.datetime) -> None:
    """The board and the timeline poll the booking's updated_at: a line's change is one."""
    Booking.objects.filter(pk=booking.pk).update(updated_at=now)


def _bay_lacks(booking: Booking, service: ServiceType) -> str:
    """Why the booking's bay cannot do the service, or "" when it can (or holds no bay yet)."""
    bay = booking.bay
    if bay is None or service.capability in bay.capabilities:
        return ""
    return _("Bay %(bay)s lacks %(missing)s.") % {
        "bay": bay.display_name,
        "missing": capability_labels({service.capability}),
    }


def _check_servable(booking: Booking, service: ServiceType) -> None:
    """A catalog line is work the outlet offers (rule 3, as for a walk-in: the catalog, the
    brand, an active bay able to do it) and that the car's own bay can do: an approval adds
    its time to that bay's hold. ValidationError on `service`."""
    with fields_renamed({"services": "service"}):
        check_servable(outlet=booking.outlet, services=[service], brand=booking.vehicle.model.brand)
    if lacks := _bay_lacks(booking, service):
        raise ValidationError({"service": [lacks]})


def _crew_cannot(booking: Booking, service: ServiceType) -> bool:
    """Whether the booking's crew may not do the service on its day (crews.rules: the lead's
    skill, brand and HV level, the guardians' level, and the crew's size). An outlet planned by
    bays alone holds no crew: nothing to judge."""
    if not booking.crew:
        return False
    needs = CrewNeeds.of([service], booking.vehicle.model.brand_id)
    day = booking.outlet.local_day(booking.start)
    members = load_members(booking.crew, date_from=day, date_to=day)
    problems = crew_problems(
        booking.crew,
        members,
        needs,
        day,
        span=(booking.start, booking.end),
        zone=booking.outlet.zone,
    )
    # Whether they may do the work, not whether their shifts cover it: the crew is at work on
    # the car now, and the members here carry no outlet's shifts.
    return len(booking.crew) < needs.size or any(p.problem != Problem.OFF_SHIFT for p in problems)


def _price_line(
    line: EstimateLine, booking: Booking, parts: Sequence[PartInput], on: dt.date
) -> None:
    """Freeze the line's prices from the price book, in the outlet's currency, on that day."""
    currency = booking.outlet.currency
    rate = labour_rate(currency=currency, on=on)
    line.currency, line.labour_rate = currency, rate
    if line.kind == EstimateLine.Kind.SERVICE:
        service = line.service_type
        assert service is not None  # noqa: S101 - a catalog line has its service (a constraint)
        prices = service_prices(
            services=[service], model_id=booking.vehicle.model_id, currency=currency, on=on
        )
        # A catalog service is one fixed standard price for its standard time.
        line.labour_minutes = service.labour_minutes
        line.labour_price = prices[service.pk]
        line.parts_price = Decimal("0")
    else:
        line.labour_price = (rate * line.labour_minutes / 60).quantize(CENT, ROUND_HALF_UP)
        line.parts_price = sum((part_total(p.quantity, p.unit_price) for p in parts), Decimal("0"))
    line.price = line.labour_price + line.parts_price


@transaction.atomic
def estimate_line_add(
    *,
    booking: Booking,
    actor: User,
    grade: str,
    service_type: ServiceType | None = None,
    description: str = "",
    labour_minutes: int = 0,
    parts: Sequence[PartInput] = (),
    photos: Sequence[Photo] = (),
    new_photo: PreparedPhoto | None = None,
    now: dt.datetime | None = None,
) -> EstimateLine:
    """Staff propose a line on a car in the workshop (checked in or in service); its price is
    frozen now. A catalog service, or a repair with a description, parts and labour minutes;
    `photos` already taken of the car, and `new_photo`, taken for the line, stored only once
    the line is accepted (a refused line leaves no file behind)."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    if locked.status not in PROPOSABLE:
        raise Conflict(
            _("Extra work is proposed while the car is in the workshop, not when it is %(s)s.")
            % {"s": locked.get_status_display()}
        )
    if service_type is not None:
        _check_servable(locked, service_type)
        line = EstimateLine(kind=EstimateLine.Kind.SERVICE, service_type=service_type)
    else:
        if not description.strip():
            raise RuleViolation(
                _("Describe the repair."), fields={"description": [_("Describe the repair.")]}
            )
        if labour_minutes <= 0 and not parts:
            raise RuleViolation(
                _("A repair needs labour time or parts."),
                fields={"labour_minutes": [_("Give the labour time or add a part.")]},
            )
        line = EstimateLine(
            kind=EstimateLine.Kind.REPAIR,
            description=description.strip(),
            labour_minutes=labour_minutes,
        )
    line.booking, line.grade, line.proposed_by, line.created_at = locked, grade, actor, now
    _price_line(line, locked, parts, locked.outlet.local_day(now))
    if line.price > MAX_LINE_PRICE:
        too_much = _("One line cannot cost this much; check the quantities and prices.")
        raise RuleViolation(too_much, fields={"parts": [too_much]})
    line.save(force_insert=True)
    EstimatePart.objects.bulk_create(
        EstimatePart(line=line, name=p.name, quantity=p.quantity, unit_price=p.unit_price)
        for p in parts
    )
    if new_photo is not None:
        photos = [*photos, photo_save(booking=locked, prepared=new_photo, actor=actor)]
    if photos:
        line.photos.set(photos)
    _touch(locked, now)
    return line


def link_path(token: str) -> str:
    """The owner's approval page for a token (the web page, named in the one `web` namespace)."""
    return reverse("web:estimate-link", kwargs={"token": token})


@transaction.atomic
def estimate_send(
    *, booking: Booking, actor: User, base_url: str = "", now: dt.datetime | None = None
) -> tuple[EstimateSending, str]:
    """Send the lines not yet sent to the booking's owner: one sending, one signed link (that
    owner, this booking, this sending; 48 h), one message through the outbox. Returns the
    sending and its token."""
    now = now or timezone.now()
    locked = lock_booking(booking.pk)
    if locked.status not in PROPOSABLE:
        raise Conflict(_("Extra work is sent while the car is in the workshop."))
    lines = list(
        EstimateLine.objects.select_for_update()
        .filter(booking=locked, sending__isnull=True, state=State.PROPOSED)
        .order_by("pk")
    )
    if not lines:
        raise RuleViolation(_("There is no new line to send."))
    sending = EstimateSending.objects.create(
        booking=locked,
        owner_id=locked.owner_id,
        sent_by=actor,
        sent_at=now,
        expires_at=now + links.ANSWER_WINDOW,
    )
    EstimateLine.objects.filter(pk__in=[line.pk for line in lines]).update(sending=sending)
    token = links.link_token(
        reference=locked.reference, owner_id=locked.owner_id, sending_id=sending.pk
    )
    notify_estimate_sent(
        booking=locked,
        sending_id=sending.pk,
        link=base_url + link_path(token),
        lines=len(lines),
        urgent=sum(line.grade == EstimateLine.Grade.URGENT for line in lines),
        expires_at=sending.expires_at,
    )
    _touch(locked, now)
    return sending, token


def estimates_expire(*, booking_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Lines still unanswered when their sending's window closed, or when the car left the
    workshop, become expired: one UPDATE, harmless to run twice (lazily before a read, and by
    the beat scan for every booking)."""
    now = now or timezone.now()
    overdue = EstimateLine.objects.filter(state__in=OPEN).filter(
        Q(sending__expires_at__lte=now) | ~Q(booking__status__in=PROPOSABLE)
    )
    if booking_id is not None:
        overdue = overdue.filter(booking_id=booking_id)
    return overdue.update(state=State.EXPIRED)


def estimate_link_sending(*, token: str, user: User) -> EstimateSending:
    """The sending a token names, for its owner only: anything else is a missing page."""
    try:
        grant = links.link_grant(token)
    except links.LinkInvalid as exc:
        raise NotFound() from exc
    sending = (
        EstimateSending.objects.select_related("booking")
        .filter(pk=grant.sending_id, owner_id=grant.owner_id, booking__reference=grant.reference)
        .first()
    )
    if sending is None or grant.owner_id != user.pk or sending.booking.owner_id != user.pk:
        raise NotFound()
    return sending


@transaction.atomic
def estimate_open(*, token: str, user: User, now: dt.datetime | None = None) -> EstimateSending:
    """The owner opens the signed link: its lines still proposed become viewed (the advisor
    sees when). Refused: another user or a tampered token (404), past 48 h (410)."""
    now = now or timezone.now()
    sending = estimate_link_sending(token=token, user=user)
    if sending.expires_at <= now:
        raise LinkExpired()  # its lines run out in estimates_expire (before reads, and beat)
    lock_booking(sending.booking_id)
    estimates_expire(booking_id=sending.booking_id, now=now)  # a visit over: no buttons
    changed = EstimateLine.objects.filter(sending=sending, state=State.PROPOSED).update(
        state=State.VIEWED, viewed_at=now
    )
    if sending.viewed_at is None:
        EstimateSending.objects.filter(pk=sending.pk).update(viewed_at=now)
        sending.viewed_at = now
    if changed:
        _touch(sending.booking, now)
    return sending


def _extend_hold(line: EstimateLine, booking: Booking) -> None:
    """An approved line's time is added to the visit's hold of its bay (and crew) when they
    can do the work and are free then. When they are not, the approval stands (the owner's
    consent is not undone by our calendar) and the line says why, for staff to choose: another
    bay or crew, a later visit, or working on past the hold."""
    if line.labour_minutes <= 0:
        line.hold = Hold.NOT_NEEDED
        return
    if not booking.is_active:
        line.hold = Hold.REFUSED
        line.hold_note = _("The visit no longer holds a bay; plan this work with the owner.")
        return
    service = line.service_type
    if service is not None:
        # Time is held only where the work can be done: the bay may have changed since the
        # line was proposed (a start on another bay), and the crew was chosen for the booked
        # services alone.
        if lacks := _bay_lacks(booking, service):
            line.hold, line.hold_note = Hold.REFUSED, lacks[:255]
            return
        if _crew_cannot(booking, service):
            line.hold = Hold.REFUSED
            line.hold_note = _(
                "This car's crew may not do this work (skill, high-voltage level or crew "
                "size); choose another crew, or plan it with the owner."
            )
            return
    try:
        extend_booking(booking=booking, minutes=line.labour_minutes)
    except (SlotTaken, CrewUnavailable) as exc:
        line.hold, line.hold_note = Hold.REFUSED, str(exc.detail)[:255]
    else:
        line.hold, line.hold_note = Hold.EXTENDED, ""


@transaction.atomic
def estimate_decide(
    *, line: EstimateLine, actor: User, approve: bool, now: dt.datetime | None = None
) -> EstimateLine:
    """The owner approves or declines one sent line, within its window, once. An approval
    adds the line's time to the visit (see _extend_hold)."""
    now = now or timezone.now()
    booking = lock_booking(line.booking_id)
    if booking.owner_id != actor.pk:
        raise NotFound()
    locked = (
        EstimateLine.objects.select_for_update(of=("self",))
        .select_related("sending")
        .get(pk=line.pk)
    )
    if locked.state == State.EXPIRED:
        raise LinkExpired()
    if locked.is_decided:
        raise AlreadyDecided()
    if locked.sending is None:
        raise Conflict(_("This line has not been sent to you yet."))
    # Past its window, or the car has left the workshop: the visit's sheet is settled without it.
    if locked.sending.expires_at <= now or booking.status not in PROPOSABLE:
        raise LinkExpired()
    locked.decided_at, locked.decided_by = now, actor
    if locked.viewed_at is None:
        locked.viewed_at = now
    if approve:
        locked.state = State.APPROVED
        _extend_hold(locked, booking)
    else:
        locked.state = State.DECLINED
    locked.save()
    _touch(booking, now)
    return locked


@transaction.atomic
def estimate_line_extend(*, line: EstimateLine, actor: User) -> EstimateLine:
    """Staff try again to add an approved line's time to the hold (after freeing the bay)."""
    booking = lock_booking(line.booking_id)
    locked = EstimateLine.objects.select_for_update().get(pk=line.pk)
    if locked.state != State.APPROVED:
        raise NotApproved()
    if locked.hold != Hold.REFUSED:
        raise Conflict(_("This line's time is already settled."))
    _extend_hold(locked, booking)
    locked.save(update_fields=["hold", "hold_note"])
    if locked.hold == Hold.REFUSED:
        raise SlotTaken(locked.hold_note)
    _touch(booking, timezone.now())
    return locked


@transaction.atomic
def estimate_work(
    *, line: EstimateLine, actor: User, done: bool, now: dt.datetime | None = None
) -> EstimateLine:
    """Start (done=False) or complete (done=True) the work of an approved line, on a car in
    service. Nothing happens on a line the owner has not approved."""
    now = now or timezone.now()
    booking = lock_booking(line.booking_id)
    locked = EstimateLine.objects.select_for_update().get(pk=line.pk)
    if locked.state != State.APPROVED:
        raise NotApproved()
    if booking.status != Booking.Status.IN_SERVICE:
        raise Conflict(_("Work is done while the car is in service."))
    if not done:
        if locked.work_started_at is not None:
            raise Conflict(_("This work has already started."))
        locked.work_started_at = now
    else:
        if locked.work_started_at is None:
            raise Conflict(_("Start this work before completing it."))
        if locked.work_completed_at is not None:
            raise Conflict(_("This work is already complete."))
        locked.work_completed_at = now
    locked.save(update_fields=["work_started_at", "work_completed_at"])
    _touch(booking, now)
    return locked


@transaction.atomic
def visit_ready(
    *,
    booking: Booking,
    actor: User,
    checklist: dict[str, list[str]],
    defer_reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """The car is ready for pickup (bookings.lifecycle.status.booking_ready: the move and the
    booked services' checklist) once the work of every line the owner approved is completed:
    the owner is told to collect the car, and the sheet charges that work. Work that cannot be
    done on this visit (a part not in stock, a bay that cannot take it) is left for a later one
    only with `defer_reason`, which the ready event keeps: it is not charged, and is offered
    again at the car's next visit (selectors.estimate_suggestions). Here and not in the booking
    core, which cannot see the lines (the layers). Locks the booking row, then reads its
    lines."""
    locked = lock_booking(booking.pk)
    transition_for(locked.status, Booking.Status.READY)  # an impossible move says so first
    unfinished = list(
        EstimateLine.objects.filter(
            booking=locked, state=State.APPROVED, work_completed_at__isnull=True
        )
        .select_related("service_type")
        .order_by("created_at", "pk")
    )
    details: dict[str, object] = {}
    if unfinished:
        names = [
            line.service_type.display_name if line.service_type else line.description
            for line in unfinished
        ]
        if not (reason := defer_reason.strip()):
            raise ExtraWorkUnfinished(
                _(
                    "Complete the approved extra work before the car is ready, or say why it "
                    "waits for a later visit: %(lines)s."
                )
                % {"lines": ", ".join(names)},
                fields={"defer_reason": [_("Why the approved work waits for a later visit.")]},
            )
        details = {"extra_work_deferred": names, "reason": reason[:255]}
    return booking_ready_locked(locked=locked, actor=actor, checklist=checklist, now=now, **details)
