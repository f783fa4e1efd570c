"""Delivery beside the audit's beat work: `.venv/bin/python bench/queues.py`.

Runs on bench/audit.py's network (its database and its seeding, with the audit's history and
settled facts; with BENCH_SIZE=full, the alliance's). Each mode queues BENCH_QUEUES_REFRESHES
refreshes of the dashboard's opening views (`audit.keep_opening_views`, 2 by default: beat's
settle and keep can arrive together, one for each process of the delivery worker), waits until
a worker has taken them, then makes BENCH_QUEUES_DUE messages due (5,000 SMS, the console
channel) and dispatches them as the beat's scan does, to one delivery worker of two processes
(as the Procfile's `worker`):

1. alone: no audit work at all, the baseline;
2. one queue, as before the audit had a queue of its own: the refreshes on the delivery
   worker's queue;
3. the audit's own queue, as the Procfile runs it now: the refreshes on the audit queue, taken
   by an `audit` worker of one process.

Prints, per mode, the seconds from the dispatch to the last message sent, the sends per second
over them, and the ratio to the baseline, with the refresh's own time (first, in process).
Production settings for the workers (DEBUG off); the messages are deleted at the end, and the
run's queues dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where bench/audit.py would be
# the `audit` app: the repository root replaces it.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import audit as audit_bench  # noqa: E402 (first: it sets Django up)

# isort: split
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.kept import keep_opening_views  # noqa: E402
from bench.procfile import option_value, procfile_command  # noqa: E402
from bookings.models import Booking, Notification  # noqa: E402
from bookings.notify.dispatch import notifications_dispatch_due  # noqa: E402
from hima_service.celery import app as celery_app  # noqa: E402
from hima_service.testing import drop_queue, start_worker, stop_worker, wait_until  # noqa: E402

REFRESHES = int(os.environ.get("BENCH_QUEUES_REFRESHES", "2"))
DUE = int(os.environ.get("BENCH_QUEUES_DUE", "5000"))
# The Procfile's `worker`, as `make run` and the image start it.
DELIVERY_PROCESSES = int(option_value(procfile_command("worker"), "--concurrency"))
RUN = uuid.uuid4().hex[:8]
QUEUE, AUDIT_QUEUE = f"bench-queues-{RUN}", f"bench-queues-{RUN}-audit"
KEY = f"bench-queues:{RUN}"
KEEP = "audit.keep_opening_views"
RECEIVED = re.compile(rf"Task {re.escape(KEEP)}\[[0-9a-f-]+\] received")
SUCCEEDED = re.compile(rf"Task {re.escape(KEEP)}\[[0-9a-f-]+\] succeeded in ([0-9.]+)s")
WORKER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(48),
    "CELERY_AUDIT_QUEUE": AUDIT_QUEUE,
    "LOG_LEVEL": "WARNING",
}
log = audit_bench.log


def recipient() -> tuple[User, Booking]:
    """A bench booking's owner, with the phone proven (only a proven address gets messages)."""
    booking = Booking.objects.select_related("owner").filter(reference__startswith="HB-").first()
    if booking is None:
        raise SystemExit("The audit bench's network has no bookings.")
    owner = booking.owner
    if not owner.phone_is_verified:
        owner.phone = owner.verified_phone = f"+86139{owner.pk:08d}"
        owner.phone_verified_at = timezone.now()
        owner.save(update_fields=["phone", "verified_phone", "phone_verified_at"])
    return owner, booking


def make_due(owner: User, booking: Booking, mode: int) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        (
            Notification(
                key=f"{KEY}:{mode}:{n}",
                kind=Notification.Kind.CONFIRMATION,
                channel=Notification.Channel.SMS,
                recipient=owner,
                booking=booking,
                due_at=now - dt.timedelta(seconds=1),
            )
            for n in range(DUE)
        ),
        batch_size=1000,
    )


def ready(log_path: Path) -> bool:
    return log_path.exists() and b" ready." in log_path.read_bytes()


def taken(log_paths: list[Path]) -> int:
    return sum(len(RECEIVED.findall(p.read_text(errors="replace"))) for p in log_paths)


def refresh_seconds(log_paths: list[Path]) -> list[float]:
    """How long each refresh the workers finished took, from their logs."""
    text = "".join(p.read_text(errors="replace") for p in log_paths)
    return [float(seconds) for seconds in SUCCEEDED.findall(text)]


def run_mode(mode: int, label: str, owner: User, booking: Booking, logs: Path) -> float:
    """Seconds from the dispatch to the last message sent, in this mode."""
    make_due(owner, booking, mode)
    workers, log_paths = [], []
    try:
        delivery_log = logs / f"worker-{mode}.log"
        workers.append(
            start_worker(QUEUE, concurrency=DELIVERY_PROCESSES, log_path=delivery_log, **WORKER_ENV)
        )
        log_paths.append(delivery_log)
        audit_queue = QUEUE
        if mode == 3:
            audit_log = logs / f"audit-{mode}.log"
            workers.append(
                start_worker(AUDIT_QUEUE, concurrency=1, log_path=audit_log, **WORKER_ENV)
            )
            log_paths.append(audit_log)
            audit_queue = AUDIT_QUEUE
        if not wait_until(lambda: all(ready(p) for p in log_paths), timeout=90):
            raise SystemExit(f"{label}: the workers were not ready within 90 s")
        if mode > 1:
            for _ in range(REFRESHES):
                celery_app.send_task(KEEP, queue=audit_queue, ignore_result=True)
            # As many as the workers' processes take at once (the rest wait in the queue).
            at_once = min(REFRESHES, DELIVERY_PROCESSES if mode == 2 else 1)
            if not wait_until(lambda: taken(log_paths) >= at_once, timeout=60):
                raise SystemExit(f"{label}: the refreshes were not taken within 60 s")
        started = timezone.now()
        notifications_dispatch_due()
        mine = Notification.objects.filter(key__startswith=f"{KEY}:{mode}:")
        if not wait_until(lambda: mine.filter(status="sent").count() >= DUE, timeout=1800):
            raise SystemExit(f"{label}: not every message was sent within 30 minutes")
        last = mine.order_by("-sent_at").values_list("sent_at", flat=True).first()
        seconds = (last - started).total_seconds()
        refreshes = ", ".join(f"{s:.1f} s" for s in refresh_seconds(log_paths)) or "none"
        log(
            f"  {label:58s} {seconds:6.2f} s  {DUE / seconds:7.0f} sends/s"
            f"  (refreshes finished meanwhile: {refreshes})"
        )
        return seconds
    finally:
        for worker in workers:
            stop_worker(worker)
        Notification.objects.filter(key__startswith=f"{KEY}:{mode}:").delete()


def main() -> None:
    log(f"database: {connection.settings_dict['NAME']}")
    audit_bench.ensure_network()
    if not audit_bench.audited():
        log("audit: adding outcomes, waits, labour, checklists and ratings (once)")
        audit_bench.add_audit_history()
    audit_bench.settle_facts()
    started = time.perf_counter()
    views = keep_opening_views()
    log(
        f"one refresh of the opening views, in process: {views} views, "
        f"{time.perf_counter() - started:.2f} s"
    )
    owner, booking = recipient()
    celery_app.conf.task_default_queue = QUEUE
    modes = {
        1: "alone (baseline)",
        2: f"{REFRESHES} refreshes on the delivery worker's queue (before)",
        3: f"{REFRESHES} refreshes on the audit's queue and worker (now)",
    }
    log(
        f"\n{DUE:,} messages due, one delivery worker of {DELIVERY_PROCESSES} processes: "
        "dispatch → last send"
    )
    seconds: dict[int, float] = {}
    try:
        with tempfile.TemporaryDirectory() as logs:
            for mode, label in modes.items():
                seconds[mode] = run_mode(mode, label, owner, booking, Path(logs))
    finally:
        Notification.objects.filter(key__startswith=f"{KEY}:").delete()
        drop_queue(QUEUE)
        drop_queue(AUDIT_QUEUE)
    for mode in (2, 3):
        log(f"  {modes[mode]}: {seconds[mode] / seconds[1]:.2f}× the baseline's time")


if __name__ == "__main__":
    main()
