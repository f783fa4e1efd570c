"""The outbox: which notifications a booking change records, when they are due, what they say."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.models import BookingEvent, Notification
from bookings.notify.outbox import (
    RESCHEDULED_QUIET,
    notify_booking_cancelled,
    notify_booking_completed,
    notify_booking_created,
    notify_booking_ready,
    notify_booking_rescheduled,
)
from bookings.notify.render import notification_render
from bookings.notify.selectors import booking_notifications
from bookings.tests.factories import BookingFactory
from outlets.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Notification.Status


def in_days(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


def booking_at(start: dt.datetime, **kwargs):
    return BookingFactory(start=start, end=start + dt.timedelta(hours=1), **kwargs)


def rows(booking, **filters):
    return Notification.objects.filter(booking=booking, **filters).order_by("kind", "channel")


def due(booking, kind, channel="sms"):
    return Notification.objects.get(booking=booking, kind=kind, channel=channel).due_at


def test_created_records_confirmation_now_and_two_reminders():
    start = in_days(3)
    booking = booking_at(start)
    before = timezone.now()
    with transaction.atomic():
        notify_booking_created(booking=booking)

    assert sorted(rows(booking).values_list("kind", "channel")) == sorted(
        (kind, channel)
        for kind in (Kind.CONFIRMATION, Kind.REMINDER_24H, Kind.REMINDER_2H)
        for channel in ("sms", "email")
    )
    assert before <= due(booking, Kind.CONFIRMATION) <= timezone.now()
    assert due(booking, Kind.REMINDER_24H) == start - dt.timedelta(hours=24)
    assert due(booking, Kind.REMINDER_2H) == start - dt.timedelta(hours=2)
    assert set(rows(booking).values_list("status", flat=True)) == {Status.PENDING}
    assert all(n.recipient_id == booking.owner_id for n in rows(booking))


@pytest.mark.parametrize(
    ("hours_ahead", "kinds"),
    [
        (72, {Kind.CONFIRMATION, Kind.REMINDER_24H, Kind.REMINDER_2H}),
        (5, {Kind.CONFIRMATION, Kind.REMINDER_2H}),
        (2.1, {Kind.CONFIRMATION, Kind.REMINDER_2H}),
        (1.5, {Kind.CONFIRMATION}),
    ],
)
def test_reminders_already_in_the_past_are_not_recorded(hours_ahead, kinds):
    booking = booking_at(timezone.now() + dt.timedelta(hours=hours_ahead))
    notify_booking_created(booking=booking)
    assert set(rows(booking, channel="sms").values_list("kind", flat=True)) == kinds


@pytest.mark.parametrize(
    ("user", "channels"),
    [
        ({}, {"sms", "email"}),
        ({"sms_notifications": False}, {"email"}),
        ({"email_notifications": False}, {"sms"}),
        ({"email": ""}, {"sms"}),
        ({"phone": ""}, {"email"}),
        ({"sms_notifications": False, "email_notifications": False}, set()),
    ],
)
def test_channels_follow_the_owners_opt_outs(user, channels):
    owner = UserFactory(**user)
    booking = booking_at(in_days(3), vehicle__owner=owner)
    notify_booking_created(booking=booking)
    assert set(rows(booking).values_list("channel", flat=True)) == channels


def test_recording_twice_duplicates_nothing():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    keys = set(rows(booking).values_list("key", flat=True))
    notify_booking_created(booking=booking)
    notify_booking_ready(booking=booking)
    notify_booking_ready(booking=booking)
    assert rows(booking).count() == len(keys) + 2
    assert set(rows(booking).exclude(kind=Kind.READY_FOR_PICKUP).values_list("key", flat=True)) == (
        keys
    )


def test_rolled_back_transaction_records_and_kicks_nothing(django_capture_on_commit_callbacks):
    booking = booking_at(in_days(3))

    @transaction.atomic
    def failing_booking():
        notify_booking_created(booking=booking)
        raise RuntimeError("the booking failed after recording its messages")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        failing_booking()
    assert not Notification.objects.exists()
    assert callbacks == []

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify_booking_created(booking=booking)
    # One kick, for the confirmations that are due now; the reminders wait for the scan.
    assert len(callbacks) == 1


def reschedule(booking, start):
    """What the booking service does before it calls notify_booking_rescheduled."""
    old = booking.start
    booking.start, booking.end = start, start + dt.timedelta(hours=1)
    booking.bay_released_at = booking.end
    booking.save()
    BookingEvent.objects.create(booking=booking, kind="rescheduled", details={"from": str(old)})
    notify_booking_rescheduled(booking=booking)


def test_reschedule_moves_pending_reminders_and_tells_the_owner():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    reminder_ids = set(
        rows(booking, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_2H]).values_list("pk", flat=True)
    )
    new_start = in_days(5)

    reschedule(booking, new_start)

    reminders = rows(booking, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_2H])
    # The same rows, moved (not new rows beside stale ones).
    assert set(reminders.values_list("pk", flat=True)) == reminder_ids
    assert set(reminders.values_list("status", flat=True)) == {Status.PENDING}
    assert due(booking, Kind.REMINDER_24H) == new_start - dt.timedelta(hours=24)
    assert due(booking, Kind.REMINDER_2H) == new_start - dt.timedelta(hours=2)
    # Told after a quiet time, not at once (a move again meanwhile replaces it).
    told = rows(booking, kind=Kind.RESCHEDULED)
    assert told.count() == 2
    assert all(timezone.now() < n.due_at <= timezone.now() + RESCHEDULED_QUIET for n in told)


def test_each_reschedule_after_the_last_message_went_is_its_own_and_a_repeat_call_is_not():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    reschedule(booking, in_days(4))
    notify_booking_rescheduled(booking=booking)  # the same occurrence again
    for _move in range(2):
        rows(booking, kind=Kind.RESCHEDULED).update(status=Status.SENT, sent_at=timezone.now())
        reschedule(booking, in_days(3))
    reschedule(booking, in_days(4))  # back to a start it had before, its message still waiting
    assert rows(booking, kind=Kind.RESCHEDULED, channel="sms").count() == 3
    assert rows(booking, kind=Kind.REMINDER_24H, status=Status.PENDING).count() == 2


def test_reschedule_after_a_sent_reminder_records_one_for_the_new_start():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    rows(booking, kind=Kind.REMINDER_24H).update(status=Status.SENT, sent_at=timezone.now())
    new_start = in_days(6)

    reschedule(booking, new_start)

    assert rows(booking, kind=Kind.REMINDER_24H, status=Status.SENT).count() == 2
    pending = rows(booking, kind=Kind.REMINDER_24H, status=Status.PENDING)
    assert {n.due_at for n in pending} == {new_start - dt.timedelta(hours=24)}
    assert pending.count() == 2


def test_reschedule_to_a_start_too_close_for_a_reminder_skips_it():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    reschedule(booking, timezone.now() + dt.timedelta(hours=5))
    assert set(rows(booking, kind=Kind.REMINDER_24H).values_list("status", flat=True)) == {
        Status.SKIPPED
    }
    assert set(rows(booking, kind=Kind.REMINDER_2H).values_list("status", flat=True)) == {
        Status.PENDING
    }


def test_cancel_skips_pending_reminders_and_tells_the_owner():
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    rows(booking, kind=Kind.CONFIRMATION).update(status=Status.SENT, sent_at=timezone.now())

    notify_booking_cancelled(booking=booking)

    statuses = dict(rows(booking, channel="sms").values_list("kind", "status"))
    assert statuses == {
        Kind.CONFIRMATION: Status.SENT,
        Kind.REMINDER_24H: Status.SKIPPED,
        Kind.REMINDER_2H: Status.SKIPPED,
        Kind.CANCELLED: Status.PENDING,
    }


def test_ready_is_due_now_and_feedback_two_hours_after_completion():
    booking = booking_at(timezone.now() - dt.timedelta(hours=3))
    notify_booking_ready(booking=booking)
    assert due(booking, Kind.READY_FOR_PICKUP) <= timezone.now()

    booking.completed_at = timezone.now() - dt.timedelta(minutes=10)
    notify_booking_completed(booking=booking)
    assert due(booking, Kind.FEEDBACK_REQUEST) == booking.completed_at + dt.timedelta(hours=2)


# --- content -------------------------------------------------------------------------------


@pytest.fixture
def urumqi_booking():
    """An outlet in Asia/Urumqi (UTC+6): the text must show ITS time, not Shanghai's."""
    outlet = OutletFactory(
        name="Urumqi Service Centre", name_zh="乌鲁木齐服务中心", time_zone="Asia/Urumqi"
    )
    start = dt.datetime(2031, 3, 4, 4, 30, tzinfo=dt.UTC)  # 10:30 in Urumqi, 12:30 in Shanghai
    return booking_at(start, outlet=outlet, reference="HS-7K2P9Q")


EXPECTED = {
    "en": ("Urumqi Service Centre", "Tue 4 Mar 2031, 10:30 (Asia/Urumqi, UTC+06:00)"),
    "zh-hans": ("乌鲁木齐服务中心", "2031年3月4日 10:30（Asia/Urumqi，UTC+06:00）"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "kind",
    [
        Kind.CONFIRMATION,
        Kind.REMINDER_24H,
        Kind.REMINDER_2H,
        Kind.RESCHEDULED,
        Kind.CANCELLED,
        Kind.FEEDBACK_REQUEST,
    ],
)
def test_message_names_reference_outlet_and_local_time(urumqi_booking, kind, language):
    booking = urumqi_booking
    booking.owner.language = language
    booking.owner.save()
    notification = Notification.objects.create(
        key=f"test:{kind}",
        kind=kind,
        channel="email",
        recipient=booking.owner,
        booking=booking,
        due_at=timezone.now(),
    )
    message = notification_render(notification)
    outlet_name, local_time = EXPECTED[language]
    text = message.subject + "\n" + message.body
    assert "HS-7K2P9Q" in text
    assert outlet_name in message.body
    assert local_time in message.body
    assert message.to == booking.owner.email
    assert message.language == language
    assert "&" not in text  # plain text, never HTML-escaped


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("en", "Wed 5 Mar 2031, 09:00", "Thu 6 Mar 2031, 11:00"),
        ("zh-hans", "2031年3月5日 09:00", "2031年3月6日 11:00"),
    ],
)
def test_rescheduled_message_tells_the_start_of_its_own_reschedule(
    urumqi_booking, language, first, second
):
    # Given a booking moved twice (to 09:00 on the 5th, then 11:00 on the 6th, Urumqi time)
    booking = urumqi_booking
    booking.owner.language = language
    booking.owner.save()
    notify_booking_created(booking=booking)
    reschedule(booking, dt.datetime(2031, 3, 5, 3, 0, tzinfo=dt.UTC))
    # (a worker has started on the first message: the second move gets a message of its own)
    rows(booking, kind=Kind.RESCHEDULED).update(attempts=1)
    reschedule(booking, dt.datetime(2031, 3, 6, 5, 0, tzinfo=dt.UTC))
    messages = rows(booking, kind=Kind.RESCHEDULED, channel="sms").order_by("pk")

    # When each message is rendered after both (the first one's delivery was late, say)
    bodies = [notification_render(n).body for n in messages]

    # Then each tells the start of its own reschedule, not the booking's latest
    assert first in bodies[0]
    assert second not in bodies[0]
    assert second in bodies[1]


def rendered_body(booking, kind: str, *, language: str, address_zh: str) -> str:
    """The SMS of `kind` for `booking`, its outlet at 8 Youhao Road (in Chinese: `address_zh`)
    and its owner reading `language`."""
    booking.outlet.address, booking.outlet.address_zh = "8 Youhao Road", address_zh
    booking.outlet.save()
    booking.owner.language = language
    booking.owner.save()
    notification = Notification.objects.create(
        key=f"test:{kind}",
        kind=kind,
        channel="sms",
        recipient=booking.owner,
        booking=booking,
        due_at=timezone.now(),
    )
    return notification_render(notification).body


@pytest.mark.parametrize(
    ("language", "address"), [("en", "8 Youhao Road"), ("zh-hans", "友好路8号")]
)
@pytest.mark.parametrize("kind", [Kind.CONFIRMATION, Kind.REMINDER_2H, Kind.READY_FOR_PICKUP])
def test_the_outlet_s_address_is_in_the_owner_s_language(urumqi_booking, kind, language, address):
    body = rendered_body(urumqi_booking, kind, language=language, address_zh="友好路8号")
    assert address in body


def test_an_address_not_written_in_chinese_is_given_in_english(urumqi_booking):
    body = rendered_body(urumqi_booking, Kind.CONFIRMATION, language="zh-hans", address_zh="")
    assert "8 Youhao Road" in body


@pytest.mark.parametrize(
    ("first", "last", "language", "greeting"),
    [
        ("华", "李", "zh-hans", "李华，您好"),  # the whole name, family name first
        ("Anna", "Müller", "zh-hans", "Anna Müller，您好"),
        ("Anna", "Müller", "en", "Hello Anna"),  # the given name alone
        ("", "", "zh-hans", "owner-7，您好"),  # no name: the username
    ],
)
def test_a_message_greets_the_owner_as_their_language_does(
    urumqi_booking, first, last, language, greeting
):
    owner = urumqi_booking.owner
    owner.username, owner.first_name, owner.last_name = "owner-7", first, last
    body = rendered_body(urumqi_booking, Kind.CONFIRMATION, language=language, address_zh="")
    assert body.startswith(greeting)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_ready_message_names_the_outlet_and_the_car(urumqi_booking, language):
    booking = urumqi_booking
    booking.owner.language = language
    booking.owner.save()
    notification = Notification.objects.create(
        key="test:ready",
        kind=Kind.READY_FOR_PICKUP,
        channel="sms",
        recipient=booking.owner,
        booking=booking,
        due_at=timezone.now(),
    )
    message = notification_render(notification)
    assert EXPECTED[language][0] in message.body
    assert "HS-7K2P9Q" in message.body
    assert message.to == booking.owner.phone
    assert ("AITO M7" if language == "en" else "问界M7") in message.subject


# --- visibility ----------------------------------------------------------------------------


def test_booking_notifications_lists_kind_channel_status_and_times(
    django_assert_max_num_queries,
):
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    with django_assert_max_num_queries(1):
        listed = [
            (n.kind, n.channel, n.status, n.due_at, n.sent_at)
            for n in booking_notifications(booking)
        ]
    assert len(listed) == 6
    assert listed[0][0] == Kind.CONFIRMATION
    assert [row[3] for row in listed] == sorted(row[3] for row in listed)


def test_notifications_status_prints_counts_and_the_oldest_overdue(capsys):
    booking = booking_at(in_days(3))
    notify_booking_created(booking=booking)
    Notification.objects.filter(kind=Kind.CONFIRMATION, channel="email").update(
        due_at=timezone.now() - dt.timedelta(minutes=7), last_error="SMTP said no"
    )
    Notification.objects.filter(kind=Kind.REMINDER_2H).update(
        status=Status.SENT, sent_at=timezone.now()
    )

    call_command("notifications_status")

    out = capsys.readouterr().out
    assert "pending  4" in out
    assert "sent     2" in out
    assert "failed   0" in out
    assert f"booking:{booking.pk}:confirmation:email" in out
    assert "SMTP said no" in out
    assert "overdue  2" in out
