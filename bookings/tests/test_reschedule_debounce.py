"""A booking moved again within the quiet time sends one message, for its last move; a move
after the last message went gets its own."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.lifecycle.create import booking_create, booking_reschedule
from bookings.lifecycle.status import booking_cancel
from bookings.models import Notification
from bookings.notify.outbox import RESCHEDULED_MAX_WAIT, RESCHEDULED_QUIET
from bookings.notify.render import notification_render

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Notification.Status


def told(booking, **filters):
    return Notification.objects.filter(booking=booking, kind=Kind.RESCHEDULED, **filters)


def told_start(notification) -> dt.datetime:
    return dt.datetime.fromisoformat(notification.context["start"])


@pytest.fixture
def booking(world):
    return booking_create(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        services=[world.service],
        start=world.start(hour=10, days=2),
    )


def test_thirty_moves_within_a_minute_leave_one_message_per_channel_for_the_last(
    world, booking, settings
):
    settings.BOOKING_RESCHEDULES_PER_HOUR = 100  # the hour's limit is another rule
    first_move = timezone.now()
    starts = [
        world.start(hour=hour, days=days)
        for days, hour in itertools.product((2, 3, 4, 5), range(9, 17))
    ][1:31]
    for start in starts:
        booking_reschedule(booking=booking, start=start, actor=world.owner)
    assert timezone.now() - first_move < dt.timedelta(minutes=1)

    pending = told(booking, status=Status.PENDING)
    assert sorted(pending.values_list("channel", flat=True)) == ["email", "sms"]
    assert told(booking).count() == 2
    for message in pending:
        assert dt.datetime.fromisoformat(message.context["start"]) == starts[-1]
        # Due a quiet time after the last move, not the first.
        assert first_move + RESCHEDULED_QUIET < message.due_at
        assert message.due_at <= timezone.now() + RESCHEDULED_QUIET
    body = notification_render(pending.get(channel="sms")).body
    assert f"{starts[-1].astimezone(ZoneInfo(world.outlet.time_zone)):%H:%M}" in body


def test_a_move_after_the_last_message_was_sent_gets_a_message_of_its_own(
    world, booking, time_machine
):
    booking_reschedule(booking=booking, start=world.start(hour=11, days=2), actor=world.owner)
    time_machine.move_to(timezone.now() + RESCHEDULED_QUIET + dt.timedelta(seconds=1))
    # Sent when due (what notify.delivery records; its own tests cover the sending).
    told(booking).update(status=Status.SENT, sent_at=timezone.now())

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=1))  # 11 minutes after the move
    booking_reschedule(booking=booking, start=world.start(hour=12, days=2), actor=world.owner)

    assert told(booking, status=Status.SENT).count() == 2
    fresh = told(booking, status=Status.PENDING)
    assert fresh.count() == 2
    assert {told_start(n) for n in fresh} == {world.start(hour=12, days=2)}


def test_a_message_a_worker_has_started_on_is_not_changed_under_it(world, booking):
    booking_reschedule(booking=booking, start=world.start(hour=11, days=2), actor=world.owner)
    told(booking).update(attempts=1)  # what a worker commits before it sends

    booking_reschedule(booking=booking, start=world.start(hour=12, days=2), actor=world.owner)

    started = told(booking, attempts=1)
    assert {told_start(n) for n in started} == {world.start(hour=11, days=2)}
    assert told(booking, attempts=0).count() == 2


def test_cancelling_within_the_quiet_time_drops_the_waiting_rescheduled_message(world, booking):
    booking_reschedule(booking=booking, start=world.start(hour=11, days=2), actor=world.owner)
    booking_cancel(booking=booking, actor=world.owner, reason="plans changed")
    assert set(told(booking).values_list("status", flat=True)) == {Status.SKIPPED}
    assert Notification.objects.filter(booking=booking, kind=Kind.CANCELLED).count() == 2


def test_moves_every_nine_minutes_cannot_hold_the_message_back_past_the_longest_wait(
    world, booking, settings, time_machine
):
    settings.BOOKING_RESCHEDULES_PER_HOUR = 100  # the hour's limit is another rule
    first_move = timezone.now()
    starts = [world.start(hour=hour, days=2) for hour in (11, 12, 13, 14, 15)]
    due = []
    for n, start in enumerate(starts):
        time_machine.move_to(first_move + n * dt.timedelta(minutes=9), tick=False)
        booking_reschedule(booking=booking, start=start, actor=world.owner)
        due.append(set(told(booking, status=Status.PENDING).values_list("due_at", flat=True)))

    # One message per channel throughout, each telling of the last move...
    pending = told(booking, status=Status.PENDING)
    assert told(booking).count() == pending.count() == 2
    assert {told_start(n) for n in pending} == {starts[-1]}
    # ...due a quiet time after each move while that is sooner than the longest wait after the
    # first, and then at that wait, however often the booking moves on.
    assert due[:3] == [
        {first_move + n * dt.timedelta(minutes=9) + RESCHEDULED_QUIET} for n in range(3)
    ]
    assert due[3:] == [{first_move + RESCHEDULED_MAX_WAIT}] * 2
