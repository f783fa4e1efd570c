"""Benchmark: reminder scan and delivery over 100,000 future bookings.

    .venv/bin/python bench/reminders.py [--bookings 100000] [--due 10000]

Uses its own database, DATABASE_URL's name + `_bench_reminders` (`hima_bench_reminders` by
default; created and migrated when missing; override with BENCH_DATABASE_URL), and a queue of
its own on the local Redis. The first run seeds
`--bookings` future bookings over 50 outlets × 10 bays, each with its notification rows (the
confirmation already sent; reminders 24 h and 2 h before, SMS and e-mail, pending): six rows a
booking. Each run then
  1. resets the reminders to pending at their real due times and times the idle scan (nothing
     due: the cost beat pays every minute);
  2. makes the `--due` earliest pending reminders due now and times one dispatch: claim in
     batches of 500 (UPDATE … FOR UPDATE SKIP LOCKED … RETURNING) and queue one task per row;
  3. starts one worker with two processes (prefork, concurrency 2) and measures sends per
     second from the sent log's first to last `sent_at` (worker start-up excluded): first
     the baseline, one task per row (`deliver_notification`, how delivery was queued before
     batches), then, after resetting the same rows, one task per NOTIFICATION_TASK_BATCH rows
     (`deliver_notifications`, what the scan queues), and prints the ratio of the two.
Console channel backends (the defaults) with their output discarded; DEBUG off, as in
production.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path
from time import perf_counter

BASE = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on the path, where bench/http.py would shadow
# the standard library's `http` (Django imports it): the repository root replaces the folder.
sys.path[0] = str(BASE)

from bench.database import bench_database_url  # noqa: E402

os.environ["DATABASE_URL"] = bench_database_url("_bench_reminders", override="BENCH_DATABASE_URL")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Measured as production runs, whatever the caller's environment (`make bench` sets DEBUG=1):
# DEBUG off, so the worker caches its templates and keeps no log of its queries. The settings
# then want a real key; a throw-away one does for a bench.
os.environ["DEBUG"] = "0"
if len(os.environ.get("SECRET_KEY", "")) < 32:
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking, Notification  # noqa: E402
from bookings.notify.dispatch import (  # noqa: E402
    DELIVER_TASK,
    _enqueue,
    notifications_claim_due,
)
from hima_service.celery import app as celery_app  # noqa: E402
from hima_service.celery import queue_task  # noqa: E402
from hima_service.testing import start_worker, stop_worker, wait_until  # noqa: E402
from outlets.models import Bay, Outlet  # noqa: E402
from vehicles.models import Vehicle, VehicleModel  # noqa: E402
from vehicles.vin import make_vin  # noqa: E402

BAYS_PER_OUTLET = 10
OUTLETS = 50
CHUNK = 5000
# Server-side binding (the default settings) caps a statement at 65,535 parameters: a chunk's
# bookings in one INSERT had more.
ROWS_PER_INSERT = 1000


def seed(count: int) -> None:
    bench = Booking.objects.filter(reference__startswith="HB-")
    existing = bench.count()
    first = bench.order_by("start").values_list("start", flat=True).first()
    # A seed from days ago has bookings whose reminders are already due: the idle scan would
    # find work. Such a seed is made again.
    if existing >= count and first is not None and first > timezone.now() + timedelta(hours=25):
        print(f"seed: {existing:,} bench bookings already there")
        return
    Notification.objects.filter(booking__reference__startswith="HB-").delete()
    Booking.objects.filter(reference__startswith="HB-").delete()
    User.objects.filter(username__startswith="bench").delete()  # their vehicles go with them
    started = perf_counter()
    model = VehicleModel.objects.get(code="aito-m7")
    outlets = []
    for i in range(OUTLETS):
        outlet, _ = Outlet.objects.get_or_create(
            code=f"BENCH-{i:02d}",
            defaults={
                "name": f"Bench Centre {i}",
                "address": f"{i} Bench Road",
                "city": "Shanghai",
                "latitude": 31.2,
                "longitude": 121.4,
            },
        )
        outlets.append(outlet)
    bays = []
    for outlet in outlets:
        for j in range(BAYS_PER_OUTLET):
            bay, _ = Bay.objects.get_or_create(
                outlet=outlet, name=f"B{j}", defaults={"capabilities": ["general"]}
            )
            bays.append(bay)
    # The day after tomorrow: even the first 09:00 start's 24 h reminder lies ahead, whatever
    # the time of day the bench runs.
    first_day = timezone.localdate() + timedelta(days=2)
    zone = timezone.get_current_timezone()
    for offset in range(0, count, CHUNK):
        n = min(CHUNK, count - offset)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench{offset + k}",
                    password=UNUSABLE_PASSWORD_PREFIX,
                    email=f"bench{offset + k}@example.com",
                    phone=f"+86139{offset + k:08d}",
                    # Verified channels: an unverified one would get nothing but its codes.
                    verified_email=f"bench{offset + k}@example.com",
                    email_verified_at=timezone.now(),
                    verified_phone=f"+86139{offset + k:08d}",
                    phone_verified_at=timezone.now(),
                    language="zh-hans" if k % 2 else "en",
                )
                for k in range(n)
            ],
            batch_size=ROWS_PER_INSERT,
        )
        vehicles = Vehicle.objects.bulk_create(
            [
                Vehicle(
                    owner=user,
                    vin=make_vin("LBEAB2C3", f"R{offset + k:07d}"),
                    model=model,
                    model_year=2025,
                )
                for k, user in enumerate(users)
            ],
            batch_size=ROWS_PER_INSERT,
        )
        bookings = []
        for k, vehicle in enumerate(vehicles):
            i = offset + k
            slot = i // len(bays)  # each bay: one booking an hour, 09:00–18:00, day after day
            day = first_day + timedelta(days=slot // 9)
            start = datetime.combine(day, time(9 + slot % 9), tzinfo=zone)
            bay = bays[i % len(bays)]
            bookings.append(
                Booking(
                    reference=f"HB-{i:07d}",
                    owner_id=vehicle.owner_id,
                    vehicle=vehicle,
                    outlet_id=bay.outlet_id,
                    bay=bay,
                    start=start,
                    end=start + timedelta(hours=1),
                    bay_released_at=start + timedelta(hours=1),
                )
            )
        Booking.objects.bulk_create(bookings, batch_size=ROWS_PER_INSERT)
        now = timezone.now()
        rows = []
        for booking in bookings:
            for channel in ("sms", "email"):
                rows.append(
                    Notification(
                        key=f"booking:{booking.pk}:confirmation:{channel}",
                        kind="confirmation",
                        channel=channel,
                        recipient_id=booking.owner_id,
                        booking=booking,
                        due_at=now,
                        status="sent",
                        sent_at=now,
                        attempts=1,
                    )
                )
                for kind, before in (("reminder_24h", 24), ("reminder_2h", 2)):
                    rows.append(
                        Notification(
                            key=f"booking:{booking.pk}:{kind}:x:{channel}",
                            kind=kind,
                            channel=channel,
                            recipient_id=booking.owner_id,
                            booking=booking,
                            due_at=booking.start - timedelta(hours=before),
                        )
                    )
        Notification.objects.bulk_create(rows, batch_size=ROWS_PER_INSERT)
        print(f"seed: {offset + n:,} bookings", end="\r", flush=True)
    print(
        f"seed: {count:,} bookings, {count * 6:,} notifications in {perf_counter() - started:.0f} s"
    )


def reset(due: int) -> int:
    """Reminders back to pending at their real times; then the `due` earliest made due now."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bookings_notificationdelivery")
        cursor.execute(
            """
            UPDATE bookings_notification n
            SET status = 'pending', claimed_until = NULL, sent_at = NULL, attempts = 0,
                last_error = '',
                due_at = b.start - CASE n.kind WHEN 'reminder_24h' THEN interval '24 hours'
                                               ELSE interval '2 hours' END
            FROM bookings_booking b
            WHERE n.booking_id = b.id AND n.kind IN ('reminder_24h', 'reminder_2h')
            """
        )
        cursor.execute("VACUUM ANALYZE bookings_notification")
    idle = []
    for _ in range(7):
        t = perf_counter()
        if notifications_claim_due():
            raise RuntimeError("the idle scan claimed notifications: nothing should be due")
        idle.append(perf_counter() - t)
    print(
        f"idle scan (nothing due, {Notification.objects.filter(status='pending').count():,} "
        f"pending rows): median {statistics.median(idle) * 1000:.1f} ms"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE bookings_notification SET due_at = now() - interval '1 minute'
            WHERE id IN (SELECT id FROM bookings_notification WHERE status = 'pending'
                         ORDER BY due_at LIMIT %s)
            """,
            [due],
        )
        return cursor.rowcount


def _enqueue_per_row(ids: list[int]) -> None:
    """The baseline: one task per row, as delivery was queued before batches."""
    with celery_app.connection_for_write() as conn:
        for pk in ids:
            queue_task(DELIVER_TASK, (pk,), connection=conn)


def dispatch(expected: int, enqueue=_enqueue) -> list[int]:
    claim_s = enqueue_s = 0.0
    claimed: list[int] = []
    started = perf_counter()
    while True:
        t = perf_counter()
        ids = notifications_claim_due(limit=500)
        claim_s += perf_counter() - t
        if not ids:
            break
        t = perf_counter()
        enqueue(ids)
        enqueue_s += perf_counter() - t
        claimed.extend(ids)
    total = perf_counter() - started
    if len(claimed) != expected:
        raise RuntimeError(f"claimed {len(claimed):,} notifications, {expected:,} due")
    print(
        f"one scan, {expected:,} due: {total:.2f} s "
        f"(claim {claim_s:.2f} s in batches of 500, queue {enqueue_s:.2f} s) "
        f"= {expected / total:,.0f} rows/s"
    )
    return claimed


def deliver(expected: int, queue: str, label: str) -> float:
    worker = start_worker(queue, concurrency=2)
    started = perf_counter()
    try:
        done = wait_until(
            lambda: (
                Notification.objects.filter(status="sent", kind__startswith="reminder").count()
                >= expected
            ),
            timeout=3600,
            interval=1,
        )
    finally:
        stop_worker(worker)
    wall = perf_counter() - started
    if not done:
        raise RuntimeError("the worker did not send them all")
    sent = Notification.objects.filter(status="sent", kind__startswith="reminder")
    first = sent.order_by("sent_at").first().sent_at
    last = sent.order_by("-sent_at").first().sent_at
    seconds = (last - first).total_seconds()
    rate = expected / seconds
    print(
        f"delivery, one worker × 2 processes, {label}: {expected:,} sent, "
        f"{rate:,.0f} sends/s (first→last sent_at {seconds:.1f} s; "
        f"{wall:.1f} s wall with worker start-up)"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()

    call_command("ensure_database")
    call_command("migrate", verbosity=0)
    seed(args.bookings)
    queue = f"bench-reminders-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    due = reset(args.due)
    dispatch(due, enqueue=_enqueue_per_row)
    baseline = deliver(due, queue, "baseline: one task per row")
    due = reset(args.due)
    dispatch(due)
    batched = deliver(due, queue, f"one task per {settings.NOTIFICATION_TASK_BATCH} rows")
    print(f"batched / per-row: {batched / baseline:.1f}x")


if __name__ == "__main__":
    main()
