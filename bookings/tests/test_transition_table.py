"""The transition table is the whole state machine: every move it lists works as it says
(stamp, event kind, notifications), and every other (from, to) pair is refused with
invalid_transition, leaving no event, no notification and the status as it was."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from bookings.lifecycle.status import booking_transition
from bookings.lifecycle.table import TRANSITIONS, check_rateable, check_reschedulable
from bookings.models import Booking, BookingEvent, Notification
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import Conflict, InvalidTransition

pytestmark = pytest.mark.django_db

Status = Booking.Status
# What entering a status tells the owner (DESIGN: reminders).
MESSAGES = {
    Status.CANCELLED: {"cancelled"},
    Status.READY: {"ready_for_pickup"},
    Status.COMPLETED: {"feedback_request"},
}
OUTSIDE = [pair for pair in itertools.product(Status.values, repeat=2) if pair not in TRANSITIONS]


def test_the_table_has_the_designs_six_moves_and_nothing_from_a_final_status():
    assert len(TRANSITIONS) == 6
    finals = {Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW}
    assert not [pair for pair in TRANSITIONS if pair[0] in finals]
    assert len(OUTSIDE) == 49 - 6


@pytest.mark.parametrize(("current", "target"), OUTSIDE)
def test_every_pair_outside_the_table_is_refused_and_leaves_no_trace(current, target, world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], status=current)
    with pytest.raises(InvalidTransition) as refused:
        booking_transition(booking=booking, to=target, actor=world.advisor)
    assert refused.value.code == "invalid_transition"
    booking.refresh_from_db()
    assert booking.status == current
    assert not BookingEvent.objects.filter(booking=booking).exists()
    assert not Notification.objects.filter(booking=booking).exists()


@pytest.mark.parametrize(("current", "target"), list(TRANSITIONS))
def test_every_move_in_the_table_stamps_records_and_notifies_as_listed(current, target, world):
    booking = BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        status=current,
        start=timezone.now() + dt.timedelta(days=3),
    )
    at = timezone.now().replace(microsecond=0)
    move = TRANSITIONS[(current, target)]

    moved = booking_transition(booking=booking, to=target, actor=world.advisor, now=at)

    assert moved.status == target
    if move.stamp:
        assert getattr(Booking.objects.get(pk=booking.pk), move.stamp) == at
    event = BookingEvent.objects.get(booking=booking)
    assert (event.kind, event.from_status, event.to_status) == (move.event, current, target)
    kinds = set(Notification.objects.filter(booking=booking).values_list("kind", flat=True))
    assert kinds == MESSAGES.get(target, set())
    assert (move.notify is None) == (target not in MESSAGES)


@pytest.mark.parametrize("status", Status.values)
def test_changes_that_keep_the_status_are_allowed_only_where_the_table_says(status):
    if status == Status.CONFIRMED:
        check_reschedulable(status)
    else:
        with pytest.raises(InvalidTransition):
            check_reschedulable(status)
    if status == Status.COMPLETED:
        check_rateable(status)
    else:
        with pytest.raises(Conflict):
            check_rateable(status)
