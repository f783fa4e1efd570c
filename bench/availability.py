"""Availability and reservation benchmark: `make bench` or `.venv/bin/python bench/availability.py`.

Works in its own database, DATABASE_URL's name + `_bench` (`hima_bench` by default; created and
migrated when missing; BENCH_DATABASE_URL overrides it). Seeds once, then reuses: 200+ outlets
with 6 bays each (the busy one has 20), planning crews with a technician per bay (on shift over
the opening hours, authorized for every brand), 100,000+ bookings over 30 days back and 30
ahead, each holding its bay and that bay's technician. With `BENCH_SIZE=full`, the alliance's
size instead, in a database of its own (`hima_bench_full`): 1,200 outlets, 2,000,000 vehicles,
10,000,000 bookings from 3 years back to 60 days ahead, loaded in SQL (bench/alliance.py).
Prints:

- p50/p95 wall time and SQL query count of one busy outlet's 7-day availability
  (the engine call, and the whole HTTP request through Django and DRF);
- p50/p95 of the network search ("soonest near me", 14 days, limit 5), for a brand and for a
  vehicle booked solid (nothing found: every chunk walked, the worst case);
- reservations per second with 8 concurrent workers (threads, each with its own connection)
  booking random slots through reserve_bay (a quarter of them at the busy outlet's next three
  days, so many are refused), won or refused by the exclusion constraint.

The reservations it makes are deleted at the end, so every run measures the same data.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on the path, where bench/http.py would shadow
# the standard library's `http` (Django imports it): the repository root replaces the folder.
sys.path[0] = str(BASE_DIR)

from bench import alliance  # noqa: E402
from bench.database import bench_database_url, database_name  # noqa: E402

# The full size (BENCH_SIZE=full) adds `_full`: the small database stays.
os.environ["DATABASE_URL"] = bench_database_url(
    f"_bench{alliance.suffix()}", override="BENCH_DATABASE_URL"
)
# The cache's keys of this database's own (unless a caller chose a prefix of its own, as
# bench/scaleout.py does per run): the benches share Redis, and a small network's kept audit
# views or cached availability must never answer for the full one's (same dates, same outlet
# ids).
os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-{database_name(os.environ['DATABASE_URL'])}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")
os.environ.setdefault("CONN_MAX_AGE", "0")
# Run directly, as `make bench` runs it: the development settings, as the Makefile gives every
# command (the settings themselves fail closed, wanting a real SECRET_KEY without DEBUG).
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

django.setup()

from hima_service.worker import prepare_worker  # noqa: E402

# The requests below run in this process as in a web worker: set up as gunicorn.conf.py's
# post_worker_init sets up a worker.
prepare_worker()

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.availability.engine import free_starts  # noqa: E402
from bookings.availability.network import earliest_near  # noqa: E402
from bookings.models import Booking  # noqa: E402
from bookings.reservation import reserve_bay  # noqa: E402
from crews.models import BrandAuthorization, HvLevel, Shift, Technician  # noqa: E402
from hima_service.exceptions import CrewUnavailable, SlotTaken, VehicleBusy  # noqa: E402
from outlets.models import Bay, OpeningHours, Outlet, ServiceType  # noqa: E402
from vehicles.models import Brand, Vehicle, VehicleModel  # noqa: E402
from vehicles.vin import make_vin  # noqa: E402

OUTLETS = alliance.OUTLETS if alliance.FULL else 200
BAYS = 6
BUSY_BAYS = 20
VEHICLES = 3000
SEEDED_BOOKINGS = alliance.BOOKINGS * 0.99 if alliance.FULL else 100_000  # at least, once seeded
DAYS_BACK, DAYS_AHEAD = 30, 30
HOURS = [8, 9, 10, 11, 13, 14, 15, 16, 17]  # one-hour bookings; lunch 12–13
FILL, BUSY_FILL = 0.165, 0.85
BUSY = "BENCH-000"
SERVICE = "bench-check"
RUNS = 60
WORKERS = 8
RESERVE_SECONDS = 10
BUSY_SHARE = 0.25  # of reservation attempts aimed at the busy outlet's next three days
RUN_MARK = "bench-reservation"
CITIES = [  # (city, latitude, longitude): outlets are scattered around these
    ("Shanghai", 31.23, 121.47),
    ("Shenzhen", 22.54, 114.06),
    ("Beijing", 39.90, 116.40),
    ("Chongqing", 29.56, 106.55),
    ("Hefei", 31.82, 117.23),
    ("Hangzhou", 30.27, 120.15),
    ("Chengdu", 30.57, 104.07),
    ("Wuhan", 30.59, 114.31),
]


def log(message: str) -> None:
    print(message, flush=True)


def prepare() -> None:
    call_command("ensure_database")
    call_command("migrate", verbosity=0, interactive=False)


def seeded() -> bool:
    return (
        Outlet.objects.filter(code__startswith="BENCH-").count() >= OUTLETS
        and Booking.objects.count() >= SEEDED_BOOKINGS
    )


def stale() -> bool:
    """The seed is dated: a week later, the busy outlet's coming days are no longer busy; or it
    was seeded before outlets planned crews."""
    horizon = timezone.now() + dt.timedelta(days=14)
    return (
        not Booking.objects.filter(outlet__code=BUSY, start__gte=horizon).exists()
        or not Technician.objects.exists()
    )


def staff_bays(
    bays: list[Bay], brands: list[Brand], hours: dict[int, tuple[dt.time, dt.time]]
) -> dict[int, int]:
    """A technician per bay, in bulk: on shift over each day's `hours` (weekday: span),
    authorized for every brand, with the bay's skills (and HV level 2 where it takes battery
    work, so battery pairs can form). Returns {bay id: technician id}: a seeded booking holds
    its bay's technician, so the crews are exactly as busy as the bays."""
    valid = timezone.localdate() + dt.timedelta(days=730)
    users = User.objects.bulk_create(
        User(username=f"bench-tech-{bay.pk}", password=UNUSABLE_PASSWORD_PREFIX) for bay in bays
    )
    technicians = Technician.objects.bulk_create(
        Technician(
            user=user,
            skills=[c for c in bay.capabilities if c != "tyre"],
            hv_level=HvLevel.QUALIFIED if "ev_battery" in bay.capabilities else HvLevel.NONE,
            hv_valid_until=valid if "ev_battery" in bay.capabilities else None,
        )
        for user, bay in zip(users, bays, strict=True)
    )
    Shift.objects.bulk_create(
        Shift(technician=tech, outlet_id=bay.outlet_id, weekday=day, starts=opens, ends=closes)
        for tech, bay in zip(technicians, bays, strict=True)
        for day, (opens, closes) in hours.items()
    )
    BrandAuthorization.objects.bulk_create(
        BrandAuthorization(technician=tech, brand=brand, valid_until=valid)
        for tech in technicians
        for brand in brands
    )
    return {bay.pk: tech.pk for tech, bay in zip(technicians, bays, strict=True)}


def drop_database() -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def seed() -> None:
    started = time.perf_counter()
    rng = random.Random(2026)
    service, _ = ServiceType.objects.get_or_create(
        code=SERVICE,
        defaults={"name": "Bench check", "category": "maintenance", "labour_minutes": 60,
                  "capability": "general"},
    )  # fmt: skip
    brands = list(Brand.objects.all())
    model = VehicleModel.objects.order_by("id").first()
    with transaction.atomic():
        outlets = Outlet.objects.bulk_create(
            Outlet(
                code=f"BENCH-{n:03d}",
                name=f"Bench Centre {n}",
                address=f"{n} Bench Road",
                city=(city := CITIES[n % len(CITIES)])[0],
                latitude=round(city[1] + rng.uniform(-0.4, 0.4), 6),
                longitude=round(city[2] + rng.uniform(-0.4, 0.4), 6),
                plans_crews=True,
            )
            for n in range(OUTLETS)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(outlet=outlet, weekday=day, opens=opens, closes=closes)
            for outlet in outlets
            for day in range(7)
            for opens, closes in ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(18)))
        )
        Outlet.brands.through.objects.bulk_create(
            Outlet.brands.through(outlet_id=o.pk, brand_id=b.pk) for o in outlets for b in brands
        )
        Outlet.services.through.objects.bulk_create(
            Outlet.services.through(outlet_id=o.pk, servicetype_id=service.pk) for o in outlets
        )
        bays = Bay.objects.bulk_create(
            Bay(
                outlet=outlet,
                name=f"B{b:02d}",
                capabilities=["general", "ev_battery"] if b % 3 == 0 else ["general"],
            )
            for outlet in outlets
            for b in range(BUSY_BAYS if outlet.code == BUSY else BAYS)
        )
        crews = staff_bays(bays, brands, {day: (dt.time(8), dt.time(18)) for day in range(7)})
        owners = User.objects.bulk_create(
            User(username=f"bench{n}", password=UNUSABLE_PASSWORD_PREFIX) for n in range(VEHICLES)
        )
        vehicles = Vehicle.objects.bulk_create(
            Vehicle(
                owner=owner,
                vin=make_vin("LM8AB2C3", f"R{900000 + n:07d}"),
                model=model,
                model_year=2024,
            )
            for n, owner in enumerate(owners)
        )
    log(f"  outlets, bays, crews, vehicles in {time.perf_counter() - started:.1f} s")
    if alliance.FULL:
        busy_first = sorted(bays, key=lambda bay: bay.outlet.code != BUSY)
        alliance.load(
            bays=[(bay.pk, bay.outlet_id, crews[bay.pk]) for bay in busy_first],
            busy_bays=BUSY_BAYS,
            seeded_vehicles=VEHICLES,
            hours=HOURS,
            service=SERVICE,
            now=timezone.now(),
        )
        return

    zone = dt.timezone(dt.timedelta(hours=8))
    today = timezone.now().astimezone(zone).date()
    now = timezone.now()
    rows = []
    for day_offset in range(-DAYS_BACK, DAYS_AHEAD):
        day = today + dt.timedelta(days=day_offset)
        for hour in HOURS:
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
            end = start + dt.timedelta(hours=1)
            status = "completed" if start < now else "confirmed"
            # Distinct vehicles within one instant: the vehicle constraint always holds.
            vehicle_cycle = iter(range(VEHICLES))
            for bay in bays:
                fill = BUSY_FILL if bay.outlet.code == BUSY else FILL
                if rng.random() >= fill:
                    continue
                vehicle = vehicles[next(vehicle_cycle)]
                rows.append(
                    (
                        f"HB-{len(rows):07d}", vehicle.owner_id, vehicle.pk, bay.outlet_id,
                        bay.pk, start, end, end, "drop_off", "", "online", "", status, 0, "",
                        False, now, now, [crews[bay.pk]],
                    )
                )  # fmt: skip
    columns = (
        "reference", "owner_id", "vehicle_id", "outlet_id", "bay_id", "start", "end",
        "bay_released_at", "mode", "pickup_address", "channel", "notes", "status", "price_total",
        "cancel_reason", "holds_recalls", "created_at", "updated_at", "crew",
    )  # fmt: skip
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Booking._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)
    with connection.cursor() as cursor:
        # What autovacuum would do by itself later: statistics for the planner, and the
        # visibility map that lets the window read be answered from its index alone.
        cursor.execute("VACUUM ANALYZE")
    log(f"  {len(rows):,} bookings copied; seeded in {time.perf_counter() - started:.1f} s")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def measure(label: str, call) -> float:
    call()  # warm-up: connection, caches
    times, queries = [], set()
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    p50, p95 = percentiles(times)
    log(f"{label:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   queries {sorted(queries)}")
    return p50


def bench_reads() -> None:
    outlet = Outlet.objects.get(code=BUSY)
    service = ServiceType.objects.get(code=SERVICE)
    vehicle = Vehicle.objects.filter(owner__username="bench7").select_related("model__brand").get()
    zone_today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    week = {"date_from": zone_today, "date_to": zone_today + dt.timedelta(days=6)}
    in_week = Booking.objects.filter(
        outlet=outlet,
        status__in=Booking.ACTIVE_STATUSES,
        start__date__range=(week["date_from"], week["date_to"]),
    ).count()
    log(
        f"busy outlet {BUSY}: {outlet.bays.count()} bays, {in_week} active bookings in the week, "
        f"{Booking.objects.count():,} bookings and {Outlet.objects.count()} outlets in all"
    )
    week_p50 = measure(
        "engine: free_starts, 7 days, with vehicle",
        lambda: free_starts(outlet=outlet, services=[service], vehicle=vehicle, **week),
    )
    client = Client()
    url = f"/api/v1/outlets/{BUSY}/availability/?service={SERVICE}&date_from={week['date_from']}"

    def http() -> None:
        # What computing the answer costs: the availability answer cache (bench/http.py
        # measures it) would answer every run after the first.
        with override_settings(AVAILABILITY_CACHE_SECONDS=0):
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.content!r}")

    measure("HTTP: GET /outlets/{code}/availability/ (7 days, computed)", http)
    near = {"latitude": 31.23, "longitude": 121.47, "services": [service]}
    network_p50 = measure(
        "engine: network search near Shanghai, 14 days",
        lambda: earliest_near(**near, brand=vehicle.model.brand),
    )
    # The bench vehicles carry hundreds of bookings each: this one is booked every free hour of
    # the next 14 days, so the search walks all its chunks and finds nothing (its worst case).
    worst_p50 = measure(
        "  the same for a vehicle booked solid (worst case)",
        lambda: earliest_near(**near, brand=vehicle.model.brand, vehicle=vehicle),
    )
    log(
        f"  ratios to one outlet-week (p50, this run): network search "
        f"{network_p50 / week_p50:.1f}x (goal ≤ 3x), worst case {worst_p50 / week_p50:.1f}x"
    )
    starts = free_starts(outlet=outlet, services=[service], **week)
    log(f"  (the busy outlet has {len(starts)} free starts in the week)")


def bench_reservations() -> None:
    service = ServiceType.objects.get(code=SERVICE)
    outlet_ids = list(Outlet.objects.filter(code__startswith="BENCH-").values_list("id", flat=True))
    # The seeded first VEHICLES (at the full size, the rest are millions).
    vehicles = list(
        Vehicle.objects.filter(owner__username__startswith="bench").order_by("id")[:VEHICLES]
    )
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    zone = dt.timezone(dt.timedelta(hours=8))
    barrier = threading.Barrier(WORKERS)
    counts = {"won": 0, "taken": 0, "vehicle_busy": 0}
    lock = threading.Lock()

    def work(worker: int) -> None:
        rng = random.Random(worker)
        outlets = {o.pk: o for o in Outlet.objects.filter(pk__in=outlet_ids)}
        mine = vehicles[worker::WORKERS]
        local = {"won": 0, "taken": 0, "vehicle_busy": 0}
        barrier.wait()
        deadline = time.perf_counter() + RESERVE_SECONDS
        try:
            while time.perf_counter() < deadline:
                if rng.random() < BUSY_SHARE:  # contention: the busy outlet's next days
                    outlet = outlets[outlet_ids[0]]
                    day = today + dt.timedelta(days=rng.randrange(1, 4))
                else:
                    outlet = outlets[rng.choice(outlet_ids)]
                    day = today + dt.timedelta(days=rng.randrange(1, DAYS_AHEAD))
                start = dt.datetime.combine(day, dt.time(rng.choice(HOURS)), tzinfo=zone)
                vehicle = rng.choice(mine)
                booking = Booking(
                    owner_id=vehicle.owner_id, vehicle=vehicle, outlet=outlet, start=start,
                    notes=RUN_MARK,
                )  # fmt: skip
                try:
                    with transaction.atomic():
                        reserve_bay(booking=booking, services=[service])
                    local["won"] += 1
                except (SlotTaken, CrewUnavailable):  # the bay's or the crew's time is gone
                    local["taken"] += 1
                except VehicleBusy:
                    local["vehicle_busy"] += 1
        finally:
            connection.close()
            with lock:
                for key, value in local.items():
                    counts[key] += value

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    log(
        f"reservations, {WORKERS} concurrent workers, {elapsed:.1f} s: "
        f"{total / elapsed:,.0f} attempts/s, {counts['won'] / elapsed:,.0f} won/s "
        f"(won {counts['won']}, slot taken {counts['taken']}, vehicle busy "
        f"{counts['vehicle_busy']})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
               ON a.bay_id = b.bay_id AND a.id < b.id
               WHERE a.status IN ('confirmed','checked_in','in_service')
                 AND b.status IN ('confirmed','checked_in','in_service')
                 AND tstzrange(a.start, a.bay_released_at) && tstzrange(b.start, b.bay_released_at)
                 AND (a.notes = %s OR b.notes = %s)""",
            [RUN_MARK, RUN_MARK],
        )
        log(f"  overlapping bay bookings after the run (SQL self-join): {cursor.fetchone()[0]}")
    Booking.objects.filter(notes=RUN_MARK).delete()


def ensure_seeded() -> None:
    """Create, migrate and seed the bench database, or reuse it while its dates are current."""
    prepare()
    if seeded() and (stale() or os.environ.get("BENCH_RESEED")):
        log("seed: the seeded dates are past (or BENCH_RESEED is set): starting over")
        drop_database()
        prepare()
    if seeded():
        log("seed: reusing the seeded network")
    else:
        log("seed: creating the network (once)")
        seed()


def main() -> None:
    log(f"database: {connection.settings_dict['NAME']}  (cpus: {os.cpu_count()})")
    ensure_seeded()
    Booking.objects.filter(notes=RUN_MARK).delete()  # leftovers of an interrupted run
    bench_reads()
    bench_reservations()


if __name__ == "__main__":
    main()
