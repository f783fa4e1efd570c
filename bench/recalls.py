"""Benchmark: a recall of 1,000,000 VINs imported and its notices queued, each by one command,
then a sample of the notices delivered by one worker of two processes.

    .venv/bin/python bench/recalls.py [--vins 1000000] [--sample 30000]

Uses its own database, DATABASE_URL's name + `_bench_recalls` (`hima_bench_recalls` by
default; created and migrated when missing; override with BENCH_DATABASE_URL), and queues of
its own on the local Redis. The first run seeds `--vins` Luxeed cars, each with its own owner
(phone and e-mail, both verified), by COPY; later runs with the same `--vins` reuse them. Each
run then writes the cars' VINs to a CSV file (a header line, one VIN a line) and
  0. the baseline: the upload path (`recalls.vins.campaign_import_vins`, what the API runs; at
     most 100,000 lines) against `recall_import` on the same first 100,000 lines (or fewer);
  1. times `manage.py recall_import <campaign> <file>` on the whole file (call_command);
  2. times `manage.py recall_notify <campaign>`: the notice scan, one outbox row per car and
     channel (2 a car), their delivery kicked on commit into a queue no worker reads (deleted
     after: step 3 measures delivery on its own);
  3. claims the first `--sample` notices as the beat's scan does (batches of 500, one task per
     NOTIFICATION_TASK_BATCH ids), starts one worker with two processes (prefork, concurrency
     2) and measures sends per second from the first to the last `sent_at` (worker start-up
     excluded), as bench/reminders.py does, beside the 1,000/s target. Delivering all of them
     at that rate would take half an hour for a million cars: the sample says the rate.
Console channel backends (the defaults) with their output discarded; DEBUG off, as in
production. Prints each time and rate and the ratios to the baseline and the target.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
import tempfile
import uuid
from pathlib import Path
from time import perf_counter

BASE = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on the path, where bench/http.py would shadow
# the standard library's `http` (Django imports it): the repository root replaces the folder.
sys.path[0] = str(BASE)

from bench.database import bench_database_url  # noqa: E402

os.environ["DATABASE_URL"] = bench_database_url("_bench_recalls", override="BENCH_DATABASE_URL")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Measured as production runs: DEBUG off, so the worker caches its templates and keeps no log
# of its queries. The settings then want a real key; a throw-away one does for a bench.
os.environ["DEBUG"] = "0"
if len(os.environ.get("SECRET_KEY", "")) < 32:
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Notification, NotificationDelivery  # noqa: E402
from bookings.notify.dispatch import _enqueue, notifications_claim_due  # noqa: E402
from hima_service.celery import app as celery_app  # noqa: E402
from hima_service.testing import drop_queue, start_worker, stop_worker, wait_until  # noqa: E402
from recalls.models import AffectedVehicle, RecallCampaign  # noqa: E402
from recalls.vins import MAX_LINES, campaign_import_vins  # noqa: E402
from vehicles.models import Brand, Vehicle, VehicleModel  # noqa: E402
from vehicles.vin import make_vin  # noqa: E402

TARGET = 1000  # sends a second, one worker of two processes: a recall burst's pace
OWNER_PREFIX = "rbench"
CAMPAIGN_PREFIX = "RB-"


def vin_of(n: int) -> str:
    return make_vin("LVVAB2C3", f"R{n:07d}")


def _copy_rows(model: type[Model], template: Model, varying: dict, count: int, first: int):
    """COPY `count` rows of `model`: every column as in `template` (its defaults, as the ORM
    would write them), ids from `first` on, and the columns in `varying` (column → function of
    the row number) per row."""
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]
    base = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    slots = {columns.index(column): make for column, make in varying.items()}
    pk = columns.index(model._meta.pk.column)
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for n in range(count):
            row = list(base)
            row[pk] = first + n
            for slot, make in slots.items():
                row[slot] = make(n)
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) FROM {}").format(
                sql.Identifier(model._meta.db_table)
            ),
            [model._meta.db_table],
        )


def seed(count: int) -> None:
    owners = User.objects.filter(username__startswith=OWNER_PREFIX)
    if owners.count() == count and Vehicle.objects.filter(owner__in=owners).count() == count:
        print(f"seed: {count:,} bench cars and owners already there")
        return
    started = perf_counter()
    with connection.cursor() as cursor:
        # The bench's own database: the outbox and the recalls are the bench's only.
        cursor.execute("TRUNCATE bookings_notificationdelivery, bookings_notification")
        cursor.execute("TRUNCATE recalls_affectedvehicle")
        cursor.execute(
            "DELETE FROM vehicles_vehicle WHERE owner_id IN "
            "(SELECT id FROM accounts_user WHERE username LIKE %s)",
            [f"{OWNER_PREFIX}%"],
        )
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE %s", [f"{OWNER_PREFIX}%"])
    now = timezone.now()
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    template = User(
        username="x",
        password=UNUSABLE_PASSWORD_PREFIX,
        email_verified_at=now,
        phone_verified_at=now,
        language="en",
    )

    def email(n: int) -> str:
        return f"{OWNER_PREFIX}{n}@example.com"

    def phone(n: int) -> str:
        return f"+86139{n:08d}"

    _copy_rows(
        User,
        template,
        {
            "username": lambda n: f"{OWNER_PREFIX}{n}",
            "email": email,
            "verified_email": email,
            "phone": phone,
            "verified_phone": phone,
            "language": lambda n: "zh-hans" if n % 2 else "en",
        },
        count,
        first_user,
    )
    print(f"seed: {count:,} owners in {perf_counter() - started:.0f} s", flush=True)
    model = VehicleModel.objects.get(code="luxeed-s7")
    first_vehicle = (Vehicle.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    car = Vehicle(
        owner_id=first_user,
        vin=vin_of(0),
        model=model,
        model_year=2024,
        verified_at=now,
        verified_via=Vehicle.VerifiedVia.DELIVERY_RECORD,
    )
    _copy_rows(
        Vehicle,
        car,
        {"owner_id": lambda n: first_user + n, "vin": vin_of},
        count,
        first_vehicle,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_user")
        cursor.execute("VACUUM ANALYZE vehicles_vehicle")
    print(f"seed: {count:,} cars and owners in {perf_counter() - started:.0f} s", flush=True)


def new_campaign(label: str) -> RecallCampaign:
    return RecallCampaign.objects.create(
        brand=Brand.objects.get(code="LUXEED"),
        code=f"{CAMPAIGN_PREFIX}{label}-{uuid.uuid4().hex[:6]}".upper(),
        title_zh="后悬架螺栓扭矩检查",
        title_en="Rear suspension bolt torque check",
        description_zh="部分车辆后悬架螺栓可能未按规定扭矩紧固。",
        description_en="Some rear suspension bolts may not have been tightened to specification.",
        service_type_id=RecallCampaign._meta.get_field("service_type")
        .related_model.objects.get(code="rcl-campaign")
        .pk,
    )


def reset() -> None:
    """The outbox and the campaigns of earlier runs gone: each run starts from the cars."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bookings_notificationdelivery, bookings_notification")
        cursor.execute("TRUNCATE recalls_affectedvehicle")
    RecallCampaign.objects.filter(code__startswith=CAMPAIGN_PREFIX).delete()


def write_file(count: int, directory: Path) -> Path:
    path = directory / f"recall-{count}.csv"
    started = perf_counter()
    with path.open("w") as out:
        out.write("VIN\n")
        for start in range(0, count, 100_000):
            out.write("".join(f"{vin_of(n)}\n" for n in range(start, min(count, start + 100_000))))
    size = path.stat().st_size / 1e6
    print(
        f"file: {count:,} VINs, {size:.0f} MB, written in {perf_counter() - started:.1f} s",
        flush=True,
    )
    return path


def baseline(path: Path, count: int, directory: Path) -> float:
    """The upload path and recall_import on the same first lines (the upload's limit at most);
    returns recall_import's lines per second there."""
    lines = min(count, MAX_LINES)
    head = directory / "head.csv"
    with path.open("rb") as source, head.open("wb") as out:
        for _ in range(lines + 1):  # + the header
            out.write(source.readline())
    upload = new_campaign("UPLOAD")
    started = perf_counter()
    campaign_import_vins(campaign=upload, data=head.read_bytes())
    upload_s = perf_counter() - started
    command = new_campaign("HEAD")
    started = perf_counter()
    call_command("recall_import", command.code, str(head), stdout=io.StringIO())
    command_s = perf_counter() - started
    # In one statement: the ORM's delete would load the 200,000 rows to collect their cascades.
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE campaign_id = ANY(%s)").format(
                sql.Identifier(AffectedVehicle._meta.db_table)
            ),
            [[upload.pk, command.pk]],
        )
    RecallCampaign.objects.filter(pk__in=[upload.pk, command.pk]).delete()
    print(
        f"baseline, {lines:,} lines: upload path (campaign_import_vins) {upload_s:.2f} s = "
        f"{lines / upload_s:,.0f} lines/s; recall_import {command_s:.2f} s = "
        f"{lines / command_s:,.0f} lines/s; recall_import / upload: {upload_s / command_s:.1f}x",
        flush=True,
    )
    return lines / command_s


def timed_command(name: str, *args: str) -> float:
    out = io.StringIO()
    started = perf_counter()
    call_command(name, *args, stdout=out)
    seconds = perf_counter() - started
    for line in out.getvalue().splitlines():
        print(f"  {name}: {line}")
    print(f"  {name}: {_load()}", flush=True)
    return seconds


def _load() -> str:
    """The machine's load: the times mean little without it on a shared machine."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def deliver(sample: int, queue: str) -> float:
    """Claim the first `sample` notices as the scan does, queue them, one worker × 2."""
    claimed: list[int] = []
    started = perf_counter()
    while len(claimed) < sample:
        ids = notifications_claim_due(limit=min(500, sample - len(claimed)))
        if not ids:
            break
        _enqueue(ids)
        claimed.extend(ids)
    print(
        f"claim and queue {len(claimed):,} notices for delivery: {perf_counter() - started:.2f} s"
    )
    worker = start_worker(queue, concurrency=2)
    started = perf_counter()
    try:
        done = wait_until(
            lambda: NotificationDelivery.objects.count() >= len(claimed), timeout=3600, interval=1
        )
    finally:
        stop_worker(worker)
    wall = perf_counter() - started
    if not done:
        raise RuntimeError("the worker did not send them all")
    sent = Notification.objects.filter(pk__in=claimed, status="sent")
    first = sent.order_by("sent_at").values_list("sent_at", flat=True).first()
    last = sent.order_by("-sent_at").values_list("sent_at", flat=True).first()
    seconds = (last - first).total_seconds()
    rate = len(claimed) / seconds
    print(
        f"delivery, one worker × 2 processes, one task per {settings.NOTIFICATION_TASK_BATCH} "
        f"rows: {len(claimed):,} sent, {rate:,.0f} sends/s (first→last sent_at {seconds:.1f} s; "
        f"{wall:.1f} s wall with worker start-up); {_load()}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vins", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=30_000)
    args = parser.parse_args()

    call_command("ensure_database")
    call_command("migrate", verbosity=0)
    seed(args.vins)
    reset()
    # Every kick of steps 0–2 (the notice scan, deliveries due now) goes to a queue of its
    # own that no worker reads, deleted before step 3.
    commands_queue = f"bench-recalls-kicks-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = commands_queue
    with tempfile.TemporaryDirectory() as directory:
        path = write_file(args.vins, Path(directory))
        head_rate = baseline(path, args.vins, Path(directory))
        campaign = new_campaign("M")
        import_s = timed_command("recall_import", campaign.code, str(path))
        notify_s = timed_command("recall_notify", campaign.code)
    drop_queue(commands_queue)
    notices = Notification.objects.filter(kind=Notification.Kind.RECALL_NOTICE).count()
    queue = f"bench-recalls-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue
    rate = deliver(min(args.sample, notices), queue)
    drop_queue(queue)
    print()
    print(f"recall of {args.vins:,} VINs, {notices:,} notices (SMS and e-mail a car)")
    print(
        f"  import, one command:  {import_s:7.1f} s = {args.vins / import_s:9,.0f} VINs/s "
        f"({args.vins / import_s / head_rate:.2f}x its rate at the baseline's size)"
    )
    print(
        f"  notices queued, one command: {notify_s:7.1f} s = {args.vins / notify_s:9,.0f} cars/s, "
        f"{notices / notify_s:,.0f} messages/s"
    )
    print(
        f"  delivery, 1 worker × 2: {rate:,.0f} sends/s = {rate / TARGET:.2f}x the {TARGET:,}/s "
        f"target (all {notices:,} at this rate: {notices / rate / 60:.0f} min)"
    )


if __name__ == "__main__":
    main()
