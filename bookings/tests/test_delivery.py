"""Claiming and delivering one notification: once, with retries, skips and channel backends."""

import datetime as dt
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings import tasks
from bookings.lifecycle.no_shows import bookings_mark_no_shows
from bookings.models import Booking, Feedback, Notification, NotificationDelivery
from bookings.notify import delivery, dispatch
from bookings.notify.channels import ChannelError, HttpSmsBackend, OutgoingMessage
from bookings.notify.delivery import notification_deliver
from bookings.notify.dispatch import (
    DELIVER_BATCH_TASK,
    notifications_claim_due,
    notifications_dispatch_due,
    notifications_kick,
)
from bookings.notify.maintenance import maintenance_due_record
from bookings.tests.factories import BookingFactory
from estimates import tasks as estimate_tasks
from hima_service.celery import app
from hima_service.models import IdempotencyKey
from hima_service.tasks import purge_idempotency_keys
from hima_service.testing import queued_messages
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

# Queued by name; importing the task module is what registers them with Celery.
REGISTERED = (
    tasks.deliver_notification,
    tasks.deliver_notifications,
    estimate_tasks.expire_unanswered,  # on the beat schedule too
)

Kind = Notification.Kind
Status = Notification.Status


class BrokenChannel:
    """A channel that always fails (import path used in settings below)."""

    def send(self, message: OutgoingMessage) -> str:
        raise ChannelError("gateway down")


BROKEN = "bookings.tests.test_delivery.BrokenChannel"


class DyingChannel:
    """A channel whose send takes its process down (a crash, as the worker would see it)."""

    def send(self, message: OutgoingMessage) -> str:
        raise SystemExit("killed mid-send")


DYING = "bookings.tests.test_delivery.DyingChannel"


def make(
    *, kind=Kind.CONFIRMATION, channel="sms", due=None, booking=None, key=None
) -> Notification:
    booking = booking or BookingFactory()
    return Notification.objects.create(
        key=key or f"t:{booking.pk}:{kind}:{channel}",
        kind=kind,
        channel=channel,
        recipient=booking.owner,
        booking=booking,
        due_at=due or timezone.now() - dt.timedelta(seconds=1),
    )


def test_deliver_sends_once_and_logs_it(caplog):
    notification = make()
    caplog.set_level(logging.INFO, logger="hima.notifications")

    assert notification_deliver(notification_id=notification.pk) == "sent"
    assert notification_deliver(notification_id=notification.pk) == "sent"  # already: no-op

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    log = NotificationDelivery.objects.get()
    assert log.notification == notification
    assert log.address == notification.recipient.phone
    assert notification.booking.reference in log.body
    sms_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS ")]
    assert len(sms_lines) == 1
    assert notification.key in sms_lines[0]


def test_email_goes_through_djangos_email_backend():
    notification = make(channel="email")
    assert notification_deliver(notification_id=notification.pk) == "sent"
    (email,) = mail.outbox
    assert email.to == [notification.recipient.email]
    assert notification.booking.reference in email.subject
    assert email.extra_headers["X-HIMA-Notification-Key"] == notification.key


def test_not_yet_due_is_left_for_later():
    notification = make(due=timezone.now() + dt.timedelta(hours=1))
    assert notification_deliver(notification_id=notification.pk) == "not_due"
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.attempts == 0


@pytest.mark.parametrize(
    ("owner", "channel"),
    [
        ({"sms_notifications": False}, "sms"),
        ({"email_notifications": False}, "email"),
        ({"phone": ""}, "sms"),
    ],
)
def test_opted_out_since_recording_is_skipped(owner, channel):
    notification = make(channel=channel)
    for field, value in owner.items():
        setattr(notification.recipient, field, value)
    notification.recipient.save()

    assert notification_deliver(notification_id=notification.pk) == "skipped"
    notification.refresh_from_db()
    assert notification.status == Status.SKIPPED
    assert notification.last_error
    assert not NotificationDelivery.objects.exists()


def test_reminder_of_a_booking_no_longer_confirmed_is_skipped():
    notification = make(kind=Kind.REMINDER_2H, booking=BookingFactory(status="cancelled"))
    assert notification_deliver(notification_id=notification.pk) == "skipped"


def test_failing_channel_retries_with_back_off_then_fails_keeping_the_error(settings):
    settings.NOTIFICATION_BACKENDS = {**settings.NOTIFICATION_BACKENDS, "sms": BROKEN}
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    notification = make()
    now = timezone.now()

    outcomes, delays = [], []
    for _ in range(3):
        outcomes.append(notification_deliver(notification_id=notification.pk, now=now))
        notification.refresh_from_db()
        delays.append(notification.due_at - now)
        now = notification.due_at

    assert outcomes == ["retry", "retry", "failed"]
    assert delays[:2] == [dt.timedelta(seconds=60), dt.timedelta(seconds=120)]
    assert notification.status == Status.FAILED
    assert notification.attempts == 3
    assert notification.last_error == "ChannelError: gateway down"
    assert not NotificationDelivery.objects.exists()


def test_send_that_kills_its_process_counts_each_attempt_then_fails_keeping_the_error(settings):
    settings.NOTIFICATION_BACKENDS = {**settings.NOTIFICATION_BACKENDS, "sms": DYING}
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    lease = dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
    notification = make()
    now = timezone.now()

    for attempt in (1, 2, 3):
        # Given the scan claimed the row (after the dead attempt's lease ran out)
        assert notifications_claim_due(now=now) == [notification.pk]
        # When its delivery dies half-way through the send
        with pytest.raises(SystemExit):
            notification_deliver(notification_id=notification.pk, now=now)
        # Then the attempt is counted all the same, and the row is still pending
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (Status.PENDING, attempt)
        assert "SystemExit: killed mid-send" in notification.last_error
        now += lease + dt.timedelta(seconds=1)

    # The next delivery does not try a fourth time: the message is failed, the error kept.
    assert notifications_claim_due(now=now) == [notification.pk]
    assert notification_deliver(notification_id=notification.pk, now=now) == "failed"
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == 3
    assert "the last of 3 attempts did not finish" in notification.last_error
    assert "SystemExit: killed mid-send" in notification.last_error
    assert notification.claimed_until is None
    assert not NotificationDelivery.objects.exists()
    assert notifications_claim_due(now=now + 2 * lease) == []


def test_a_worker_whose_attempt_was_taken_over_does_not_send():
    # Two deliveries of one row (a task queued twice) both start an attempt before either sends.
    notification = make()
    now = timezone.now()
    first = delivery._attempt_start(notification_id=notification.pk, now=now)
    second = delivery._attempt_start(notification_id=notification.pk, now=now)
    assert (first.attempts, second.attempts) == (1, 2)

    # Only the holder of the latest attempt sends.
    assert delivery._attempt_send(notification=first, now=now) == "busy"
    assert delivery._attempt_send(notification=second, now=now) == "sent"
    assert NotificationDelivery.objects.count() == 1


def test_a_reminder_moved_between_start_and_send_is_not_sent_with_its_old_text():
    booking = BookingFactory(start=timezone.now() + dt.timedelta(days=2))
    reminder = make(kind=Kind.REMINDER_24H, booking=booking)
    started = delivery._attempt_start(notification_id=reminder.pk, now=timezone.now())
    # A reschedule moves the row (new key and due time, attempts back to 0) before the send.
    Notification.objects.filter(pk=reminder.pk).update(
        key="moved", due_at=timezone.now() + dt.timedelta(days=3), attempts=0
    )
    assert delivery._attempt_send(notification=started, now=timezone.now()) == "busy"
    assert not NotificationDelivery.objects.exists()


def test_feedback_request_is_skipped_when_the_owner_already_left_feedback():
    booking = BookingFactory(status=Booking.Status.COMPLETED, completed_at=timezone.now())
    asked = make(kind=Kind.FEEDBACK_REQUEST, booking=booking)
    Feedback.objects.create(booking=booking, rating=5)

    assert notification_deliver(notification_id=asked.pk) == "skipped"
    asked.refresh_from_db()
    assert asked.status == Status.SKIPPED
    assert asked.last_error == "the owner already left feedback"
    assert not NotificationDelivery.objects.exists()


def test_feedback_request_without_feedback_is_sent():
    booking = BookingFactory(status=Booking.Status.COMPLETED, completed_at=timezone.now())
    asked = make(kind=Kind.FEEDBACK_REQUEST, booking=booking)
    assert notification_deliver(notification_id=asked.pk) == "sent"


def test_claim_takes_due_unclaimed_rows_and_a_dead_workers_claim_after_its_lease():
    due = [make(key=f"due-{i}") for i in range(3)]
    make(key="future", due=timezone.now() + dt.timedelta(hours=1))
    make(key="sent", booking=due[0].booking)
    Notification.objects.filter(key="sent").update(status=Status.SENT, sent_at=timezone.now())
    lease = dt.timedelta(minutes=5)
    now = timezone.now()

    assert notifications_claim_due(now=now, lease=lease) == [n.pk for n in due]
    assert notifications_claim_due(now=now + dt.timedelta(minutes=1), lease=lease) == []
    # The worker holding them died: after the lease the next scan takes them back.
    assert notifications_claim_due(now=now + lease + dt.timedelta(seconds=1)) == [n.pk for n in due]


def test_claim_respects_the_batch_limit_oldest_first():
    booking = BookingFactory()
    base = timezone.now() - dt.timedelta(hours=1)
    rows = [
        make(key=f"n{i}", booking=booking, due=base + dt.timedelta(minutes=i)) for i in range(5)
    ]
    assert notifications_claim_due(limit=2) == [rows[0].pk, rows[1].pk]
    assert notifications_claim_due(limit=10) == [n.pk for n in rows[2:]]


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """What the scans hand to the broker, recorded instead of sent."""
    ids: list[int] = []
    monkeypatch.setattr(dispatch, "_enqueue", ids.extend)
    return ids


def test_scans_stop_claiming_while_the_cap_of_rows_in_flight_is_reached(queued):
    booking = BookingFactory()
    base = timezone.now() - dt.timedelta(hours=1)
    rows = [
        make(key=f"n{i}", booking=booking, due=base + dt.timedelta(seconds=i)) for i in range(25)
    ]
    lease = dt.timedelta(minutes=30)
    now = timezone.now()
    scan = {"now": now, "batch_size": 4, "lease": lease, "max_in_flight": 10}

    # A scan claims up to the cap, oldest first, in batches of 4 (4 + 4 + 2)
    assert notifications_dispatch_due(**scan) == 10
    assert queued == [n.pk for n in rows[:10]]
    # …and the next finds no room while those are queued or being sent.
    assert notifications_dispatch_due(**scan) == 0
    # As they are sent, room comes back, for that many.
    Notification.objects.filter(pk__in=queued[:3]).update(status=Status.SENT, sent_at=now)
    assert notifications_dispatch_due(**scan) == 3
    assert queued[10:] == [n.pk for n in rows[10:13]]
    # A claim whose lease ran out (its worker died) is not in flight any more: it is retaken.
    later = now + lease + dt.timedelta(seconds=1)
    assert notifications_dispatch_due(**{**scan, "now": later}) == 10
    assert queued[13:] == [n.pk for n in rows[3:13]]


def test_a_bookings_kick_and_a_scans_batches_queue_delivery_asking_for_no_result(
    broker_queue, settings
):
    settings.NOTIFICATION_TASK_BATCH = 2
    rows = [make(key=f"q{i}") for i in range(3)]

    notifications_kick(notification_ids=[rows[0].pk])
    assert notifications_dispatch_due() == 3

    messages = queued_messages(broker_queue)
    assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages] == [
        (DELIVER_BATCH_TASK, f"([{rows[0].pk}],)"),
        (DELIVER_BATCH_TASK, f"([{rows[0].pk}, {rows[1].pk}],)"),
        (DELIVER_BATCH_TASK, f"([{rows[2].pk}],)"),
    ]
    # The web server that kicks never waits for a result: it does not subscribe to one.
    assert {m["headers"]["ignore_result"] for m in messages} == {True}


def test_default_cap_leaves_a_claim_time_to_be_sent_before_its_lease_runs_out(settings):
    # Every claimed row waits behind at most the cap; at the benchmark's 84 sends a second the
    # whole cap goes out within a minute, and within the lease even 30 times slower.
    cap, lease = settings.NOTIFICATION_MAX_IN_FLIGHT, settings.NOTIFICATION_CLAIM_LEASE_SECONDS
    assert cap / 84 <= 60
    assert cap / (84 / 30) <= lease
    assert lease < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


# --- the HTTP SMS gateway backend ----------------------------------------------------------


class Gateway:
    """A real HTTP server on a free port that records what it receives."""

    def __init__(self, status: int = 200):
        self.requests: list[tuple[dict, dict]] = []
        self.status = status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((dict(self.headers), body))
                answer = json.dumps({"id": f"gw-{len(gateway.requests)}"}).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.NOTIFICATION_BACKENDS = {
        **settings.NOTIFICATION_BACKENDS,
        "sms": "bookings.notify.channels.HttpSmsBackend",
    }
    settings.NOTIFICATION_SMS_HTTP_URL = server.url
    settings.NOTIFICATION_SMS_HTTP_TOKEN = "s3cret"
    settings.NOTIFICATION_SMS_HTTP_TIMEOUT = 5
    yield server
    server.close()


def test_http_gateway_gets_json_with_the_key_as_idempotency_key(gateway):
    notification = make()
    assert notification_deliver(notification_id=notification.pk) == "sent"

    ((headers, body),) = gateway.requests
    assert headers["Idempotency-Key"] == notification.key
    assert headers["Authorization"] == "Bearer s3cret"
    assert body["message_id"] == notification.key
    assert body["to"] == notification.recipient.phone
    assert notification.booking.reference in body["text"]
    assert body["language"] == "en"
    assert NotificationDelivery.objects.get().provider_ref == "gw-1"


def test_http_gateway_error_is_retried_with_the_error_kept(gateway):
    gateway.status = 503
    notification = make()
    assert notification_deliver(notification_id=notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert "503" in notification.last_error


def test_http_gateway_unreachable_is_a_channel_error(settings):
    settings.NOTIFICATION_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # discard port: refused
    settings.NOTIFICATION_SMS_HTTP_TIMEOUT = 2
    message = OutgoingMessage("k", "sms", "+8613800000000", "s", "b", "en")
    with pytest.raises(ChannelError, match="unreachable"):
        HttpSmsBackend().send(message)


# --- no-show marking -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_since_start", "status", "marked"),
    [
        (31, Booking.Status.CONFIRMED, True),
        (29, Booking.Status.CONFIRMED, False),
        (45, Booking.Status.CHECKED_IN, False),
        (-60, Booking.Status.CONFIRMED, False),
    ],
)
def test_no_show_scan_marks_confirmed_bookings_30_minutes_late(minutes_since_start, status, marked):
    start = timezone.now() - dt.timedelta(minutes=minutes_since_start)
    booking = BookingFactory(start=start, end=start + dt.timedelta(hours=1), status=status)

    assert bookings_mark_no_shows() == int(marked)
    assert bookings_mark_no_shows() == 0  # a second run changes nothing

    booking.refresh_from_db()
    assert booking.status == (Booking.Status.NO_SHOW if marked else status)
    if marked:
        event = booking.events.get(to_status=Booking.Status.NO_SHOW)
        assert event.actor is None


def test_maintenance_message_is_rendered_for_a_vehicle(settings):

    owner = UserFactory(language="zh-hans")
    vehicle = VehicleFactory(owner=owner, delivery_date=dt.date(2020, 1, 1))
    assert maintenance_due_record() == 2
    sms = Notification.objects.get(vehicle=vehicle, channel="sms")
    assert notification_deliver(notification_id=sms.pk) == "sent"
    body = NotificationDelivery.objects.get().body
    assert "问界M7" in body
    assert "保养" in body


def test_beat_schedule_runs_registered_tasks_every_minute_daily_and_hourly(settings):

    schedule = settings.CELERY_BEAT_SCHEDULE
    # What a worker registers when it starts: the installed apps' task modules, discovered.
    # Without it app.tasks holds only the modules some earlier test imported.
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    assert schedule["notifications-dispatch-due"]["schedule"] == 60.0
    assert schedule["bookings-mark-no-shows"]["schedule"] == 60.0

    maintenance = schedule["vehicles-maintenance-due"]
    assert maintenance["task"] == "bookings.record_maintenance_due"
    assert maintenance["task"] in app.tasks
    daily = maintenance["schedule"]
    assert (daily.hour, daily.minute, daily.day_of_week) == ({9}, {0}, set(range(7)))

    purge = schedule["idempotency-keys-purge"]
    assert purge["task"] == "bookings.purge_idempotency_keys"
    assert purge["task"] in app.tasks
    hourly = purge["schedule"]
    assert len(hourly.minute) == 1
    assert hourly.hour == set(range(24))


def test_purge_task_forgets_idempotency_keys_past_their_day():

    owner = UserFactory()
    old, fresh = (
        IdempotencyKey.objects.create(user=owner, key=key, method="POST", path="/", request_hash="")
        for key in ("old", "fresh")
    )
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )

    assert purge_idempotency_keys.apply().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == [fresh.key]
