"""Exactly once under faults, with real Redis, real worker processes and real kills.

* a worker SIGKILLed in the middle of a batch of 500 → after a restart, each sent once;
* two scans at once, and scans repeated while workers deliver → no duplicate;
* Redis down while owners book → bookings succeed, rows stay pending, all go out once it is back;
* Redis frozen (SIGSTOP: connects, never answers) → a booking and a scan still return;
* a message whose send kills its worker process every time → `failed` after the last attempt.
"""

import collections
import datetime as dt
import logging
import os
import re
import signal
import socket
import subprocess
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from bookings.models import Notification, NotificationDelivery
from bookings.notify.dispatch import notifications_claim_due, notifications_dispatch_due
from bookings.notify.outbox import notify_booking_created
from bookings.tests.factories import BookingFactory
from hima_service.celery import app as celery_app
from hima_service.testing import celery_queue, start_worker, stop_worker, wait_until
from vehicles.tests.factories import VehicleFactory

# Transactional: workers in other processes must see the committed rows. The flush after each
# test empties the reference data too; the root conftest puts it back before the next one.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    # Leases and due times are stamped by the workers: this process must read the same clock.
    pytest.mark.real_clock("real Celery workers run in other processes, on the machine's clock"),
]

Status = Notification.Status


SMS_LINE = re.compile(r"SMS (fault:\d+) to ")


def due_notifications(count: int) -> list[Notification]:
    """`count` SMS notifications due now, committed (the workers read them)."""
    booking = BookingFactory()
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            key=f"fault:{i}",
            kind=Notification.Kind.CONFIRMATION,
            channel=Notification.Channel.SMS,
            recipient_id=booking.owner_id,
            booking=booking,
            due_at=now - dt.timedelta(seconds=1),
        )
        for i in range(count)
    )


def sent() -> int:
    return Notification.objects.filter(status=Status.SENT).count()


def console_sends(log_path) -> collections.Counter:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return collections.Counter(SMS_LINE.findall(text))


def running(process, log_path, predicate):
    """`predicate`, failing at once (with the worker's log) if the worker process exited."""

    def check() -> bool:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
            raise AssertionError(f"the worker exited ({process.returncode}):\n{tail}")
        return predicate()

    return check


def assert_each_recorded_once(count: int) -> None:
    assert NotificationDelivery.objects.count() == count
    assert NotificationDelivery.objects.values("notification").distinct().count() == count
    assert Notification.objects.filter(status=Status.SENT).count() == count


def test_worker_killed_mid_batch_then_restarted_sends_each_exactly_once(tmp_path, settings):
    rows = due_notifications(500)
    log = tmp_path / "workers.log"
    lease = dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)

    with celery_queue() as queue:
        worker = start_worker(queue, log_path=log)
        restarted = None
        try:
            # Given a batch of 500 claimed and queued, and a worker half-way through it
            assert notifications_dispatch_due() == 500
            assert wait_until(running(worker, log, lambda: sent() >= 50), timeout=60, interval=0.02)
            # When the whole worker (main process and children) is SIGKILLed
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            at_kill = sent()
            assert at_kill < 500, "the kill should land in the middle of the batch"
            # …and a new worker starts, and beat scans on. The rows the dead worker held come
            # back when their lease runs out: these scans run "lease + 1 s later". A row whose
            # dead session PostgreSQL has not reaped yet is still locked, and skipped: the
            # next scan takes it, as the beat's next minute would.
            restarted = start_worker(queue, log_path=log)
            later = timezone.now() + lease + dt.timedelta(seconds=1)
            redispatched = []

            def scan_and_count() -> bool:
                redispatched.append(notifications_dispatch_due(now=later))
                return sent() == 500

            # Then every one is sent
            assert wait_until(scan_and_count, timeout=90, interval=0.5)
            assert 0 < sum(redispatched) <= 500 - at_kill
        finally:
            for process in (worker, restarted):
                if process is not None:
                    stop_worker(process)

    # …exactly once in the sent log,
    assert_each_recorded_once(500)
    assert not Notification.objects.exclude(status=Status.SENT).exists()
    # and on the wire at least once; a resend is possible only for a message that was in a
    # child's hands at the kill (sent, not yet committed): at most one per child process.
    sends = console_sends(log)
    assert set(sends) == {row.key for row in rows}
    assert sum(n - 1 for n in sends.values()) <= 2


def test_two_scans_at_once_claim_disjoint_rows():
    rows = due_notifications(1000)
    barrier = threading.Barrier(2)
    claimed: dict[str, list[int]] = {}

    def scan(name: str) -> None:
        try:
            barrier.wait()
            mine: list[int] = []
            while batch := notifications_claim_due(limit=50):
                mine.extend(batch)
            claimed[name] = mine
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(claimed["a"]).isdisjoint(claimed["b"])
    assert sorted(claimed["a"] + claimed["b"]) == sorted(row.pk for row in rows)


def test_concurrent_and_repeated_scans_with_workers_send_no_duplicate(tmp_path, settings):
    rows = due_notifications(200)
    log = tmp_path / "worker.log"
    lease = dt.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
    barrier = threading.Barrier(3)
    dispatched: list[int] = []

    def beat(now_offset: dt.timedelta) -> None:
        """A beat process's scan; one of them acts as if every lease had run out, so it
        re-queues rows that the others' tasks are delivering right now."""
        try:
            barrier.wait()
            dispatched.append(notifications_dispatch_due(now=timezone.now() + now_offset))
        finally:
            connection.close()

    with celery_queue() as queue:
        worker = start_worker(queue, log_path=log, concurrency=2)
        try:
            threads = [
                threading.Thread(target=beat, args=(offset,))
                for offset in (dt.timedelta(0), dt.timedelta(0), lease + dt.timedelta(seconds=1))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert wait_until(lambda: sent() == 200, timeout=90)
            # Tasks queued twice for the same rows are no-ops once the row is sent.
            assert notifications_dispatch_due(now=timezone.now() + 2 * lease) == 0
        finally:
            stop_worker(worker)

    assert sum(dispatched) >= 200
    assert_each_recorded_once(200)
    sends = console_sends(log)
    assert set(sends) == {row.key for row in rows}
    assert set(sends.values()) == {1}  # no crash here, so not even a resend on the wire


def test_confirmation_goes_out_at_once_after_commit_without_a_scan(tmp_path):
    booking = BookingFactory(start=timezone.now() + dt.timedelta(days=2))
    log = tmp_path / "worker.log"
    with celery_queue() as queue:
        worker = start_worker(queue, log_path=log)
        try:
            with transaction.atomic():
                notify_booking_created(booking=booking)
                # Not before the commit: the worker must never look for an uncommitted row.
            confirmations = Notification.objects.filter(
                booking=booking, kind=Notification.Kind.CONFIRMATION
            )
            assert wait_until(lambda: confirmations.filter(status=Status.SENT).count() == 2)
        finally:
            stop_worker(worker)
    assert booking.reference in log.read_text()
    # The reminders wait for their time, on the rows.
    assert Notification.objects.filter(booking=booking, status=Status.PENDING).count() == 4


# --- Redis down while owners book -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def private_redis(port: int):
    """A throw-away redis-server of our own: the shared one on 6379 is never stopped."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ping = ["redis-cli", "-p", str(port), "ping"]
        assert wait_until(
            lambda: subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG",
            timeout=10,
        )
        yield process
    finally:
        process.send_signal(signal.SIGCONT)  # a frozen one could not act on the SIGTERM
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def frozen(process: subprocess.Popen):
    """Redis stopped, not dead: the kernel still accepts connections, nobody ever answers."""
    process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        process.send_signal(signal.SIGCONT)


def call_with_deadline(function, seconds: float) -> tuple[bool, list]:
    """Run `function` in a thread for at most `seconds`: (whether it returned, [its result or
    the exception it raised]). A thread that hangs is left behind, and unblocked on teardown."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(function())
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), outcome


@contextmanager
def broker(url: str):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous


def test_bookings_succeed_while_redis_is_down_and_all_go_out_once_it_is_back(world, caplog):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    caplog.set_level(logging.WARNING, logger="bookings.notify")

    with broker(url), celery_queue() as queue:
        # Given the broker is down (nothing listens on its port) while owners book
        owner = world.api("owner")
        references = []
        # (a second car for the third: a car holds at most 2 upcoming bookings)
        cars = [
            world.vehicle,
            world.vehicle,
            VehicleFactory(owner=world.owner, model=world.vehicle.model),
        ]
        for days, car in zip((1, 2, 3), cars, strict=True):
            response = owner.post(
                "/api/v1/bookings/",
                world.payload(start=world.start(11, days).isoformat(), vehicle=car.pk),
            )
            # Then each booking still succeeds
            assert response.status_code == 201, response.json()
            references.append(response.json()["reference"])
        due_now = Notification.objects.filter(
            booking__reference__in=references, kind=Notification.Kind.CONFIRMATION
        )
        assert due_now.count() == 6  # SMS and e-mail for each
        assert set(due_now.values_list("status", flat=True)) == {Status.PENDING}
        assert "the beat scan will send them" in caplog.text

        # When Redis is back, a worker runs and beat's next scan comes
        with private_redis(port):
            worker = start_worker(queue, CELERY_BROKER_URL=url)
            try:
                assert notifications_dispatch_due() == 6
                # Then every notification that was due goes out, once
                assert wait_until(lambda: sent() == 6, timeout=60)
            finally:
                stop_worker(worker)

    assert set(due_now.values_list("status", flat=True)) == {Status.SENT}
    assert_each_recorded_once(6)
    # Reminders are not due yet: still pending, for the scan to find on the day.
    assert Notification.objects.filter(status=Status.PENDING, due_at__gt=timezone.now()).exists()


def test_scan_while_redis_is_down_releases_its_claim(caplog):
    due_notifications(3)
    with broker(f"redis://127.0.0.1:{free_port()}/0"), pytest.raises(OperationalError):
        notifications_dispatch_due()
    # Released at once, not held for a lease: the next scan after Redis returns takes them.
    assert not Notification.objects.filter(claimed_until__isnull=False).exists()
    assert len(notifications_claim_due()) == 3


# --- Redis frozen (SIGSTOP) ----------------------------------------------------------------

# Generous: the kick gives up after about 4 s and a scan after about 5 s; without socket
# timeouts both wait for as long as Redis stays frozen.
DEADLINE = 15


def test_a_frozen_redis_does_not_hang_a_booking(world, caplog):
    port = free_port()
    caplog.set_level(logging.WARNING, logger="bookings.notify")
    owner = world.api("owner")

    with (
        private_redis(port) as redis_server,
        broker(f"redis://127.0.0.1:{port}/0"),
        frozen(redis_server),
    ):
        # When an owner books while the broker is frozen
        returned, outcome = call_with_deadline(
            lambda: owner.post("/api/v1/bookings/", world.payload()), DEADLINE
        )
        # Then the request still returns (the kick after commit gives up)
        assert returned, "a booking request hung on a frozen Redis"

    (response,) = outcome
    assert response.status_code == 201, response.json()
    # …with its messages recorded and left pending for the beat scan.
    confirmations = Notification.objects.filter(
        booking__reference=response.json()["reference"], kind=Notification.Kind.CONFIRMATION
    )
    assert set(confirmations.values_list("status", flat=True)) == {Status.PENDING}
    assert confirmations.count() == 2
    assert "the beat scan will send them" in caplog.text


def test_a_scan_against_a_frozen_redis_gives_up_and_releases_its_claim():
    due_notifications(3)
    port = free_port()

    with (
        private_redis(port) as redis_server,
        broker(f"redis://127.0.0.1:{port}/0"),
        frozen(redis_server),
    ):
        returned, outcome = call_with_deadline(notifications_dispatch_due, DEADLINE)
        assert returned, "the beat scan hung on a frozen Redis"

    (error,) = outcome
    assert isinstance(error, OperationalError)
    assert not Notification.objects.filter(claimed_until__isnull=False).exists()
    assert len(notifications_claim_due()) == 3


# --- a message that kills its worker -------------------------------------------------------


class ExitingChannel:
    """Ends its process half-way through the send, as a crashing library or the OOM killer
    would: no exception, no clean-up, nothing committed."""

    def send(self, message) -> str:
        os._exit(70)


def test_a_message_that_kills_its_worker_every_time_ends_failed(tmp_path):
    (row,) = due_notifications(1)
    log = tmp_path / "worker.log"

    with celery_queue() as queue:
        worker = start_worker(
            queue,
            concurrency=1,
            log_path=log,
            NOTIFICATION_SMS_BACKEND=f"{__name__}.ExitingChannel",
            NOTIFICATION_MAX_ATTEMPTS="3",
        )
        try:
            # Each crash sends the task back to the queue at once (REJECT_ON_WORKER_LOST), so
            # without a count of attempts that survives the crash this would loop forever.
            assert notifications_dispatch_due() == 1
            failed = Notification.objects.filter(pk=row.pk, status=Status.FAILED)
            assert wait_until(running(worker, log, failed.exists), timeout=90)
        finally:
            stop_worker(worker)

    row.refresh_from_db()
    assert row.attempts == 3
    assert "the last of 3 attempts did not finish" in row.last_error
    assert not NotificationDelivery.objects.exists()
    assert log.read_text(errors="replace").count("WorkerLostError") >= 3
