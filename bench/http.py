"""HTTP load benchmark: `make bench` or `.venv/bin/python bench/http.py`.

One command: creates and seeds its own database (DATABASE_URL's name + `_bench_http`,
`hima_bench_http` by default, with bench/availability.py's network: 200 outlets, 116,000
bookings; with BENCH_SIZE=full the alliance's size, 1,200 outlets and 10,000,000 bookings, in
`hima_bench_http_full`: bench/alliance.py), starts gunicorn with the command `make run` uses
(the Procfile's `web` line, whose gunicorn.conf.py the Docker image
runs too) on its own port (BENCH_HTTP_PORT, default 8301), and drives it over
loopback with a load generator of its own (threads, one keep-alive connection each). It does so
twice (BENCH_HTTP_MODES=production,development): with the production settings, on which the
targets are judged (DEBUG off, as the Docker image runs; requests carry the X-Forwarded-Proto
header of the TLS proxy in front), then with `make run`'s development settings (DEBUG on, where
Django also logs every SQL statement), to show what that costs. Prints, for each mode and request
kind, req/s, p50 and p99 and the ratio to the brand list, the trivial request that is the
baseline, measured first and again last (the ratios are to the mean of the two, as the load of
a shared machine drifts during a run); the ratios hold on any machine:

- brand list (baseline);
- one outlet-week's availability (the busy outlet, anonymous, for a brand), target >= 0.5x;
- the network search near Shanghai (14 days, limit 5, for a brand), target >= 0.4x;
- the same two asked by a signed-in owner for their vehicle, targets >= 0.5x and >= 0.4x: the
  brand's cached answer less the car's own bookings, read live
  (bookings/availability/answers.py);
- the same two again, computed: each ask with a parameter of its own, so every one misses the
  cache; no target, they show what an answer costs to compute;
- booking create: every client books distinct free slots (found beforehand through the
  availability API) for distinct vehicles of distinct owners, floor >= 0.2x, with the slots
  dealt over the outlets as owners across the network book; and once more with one outlet's
  slots in turn, where concurrent writes at one outlet on one day queue on its lock (no
  target). The owners are verified as real ones are (phone proven, car verified to them), so
  each booking records its confirmation and reminders to that phone;
- the booking race: rounds of clients booking one last slot at once; exactly one 201 per round,
  the rest 409, checked.

The bookings it makes are deleted at the end, so every run measures the same data. Its server
queues Celery messages on a queue of its own, which it drops afterwards: no `make run` worker
(on another database) ever takes them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# This file is named like the standard library's `http` package, and Python puts the script's
# folder first on sys.path: take it off before anything imports `http.client`.
BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(BASE_DIR))

import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import secrets  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from itertools import count, zip_longest  # noqa: E402
from typing import IO  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from bench import alliance  # noqa: E402
from bench.database import bench_database_url, database_name  # noqa: E402
from bench.procfile import procfile_command  # noqa: E402

_ENV_BEFORE = dict(os.environ)  # what the server inherits, before the seeding module sets its own
# This process seeds and reads the database with the development settings, as `make bench`
# gives it; each server gets the settings of its mode (MODES).
os.environ.setdefault("DEBUG", "1")


# BENCH_SIZE=full: the alliance's size, in `hima_bench_http_full` (bench/alliance.py).
DATABASE_URL = bench_database_url(
    f"_bench_http{alliance.suffix()}", override="BENCH_HTTP_DATABASE_URL"
)
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL  # bench/availability.py seeds this database
os.environ["DATABASE_URL"] = DATABASE_URL
# The cache's keys of this database's own (bench/availability.py says why); the server too.
os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-{database_name(DATABASE_URL)}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import user_token  # noqa: E402
from bench import availability as network  # noqa: E402
from bench import machine  # noqa: E402
from bookings.models import Booking  # noqa: E402
from hima_service.testing import drop_queue  # noqa: E402
from outlets.models import Bay, OpeningHours, Outlet, ServiceType  # noqa: E402
from vehicles.models import Brand, Vehicle  # noqa: E402

PORT = int(os.environ.get("BENCH_HTTP_PORT", "8301"))
HOST = "127.0.0.1"
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "8"))
READ_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "8"))
# Distinct slots and owners, from one queue all clients take from: about as many seconds of
# load as a read gets (READ_SECONDS). 480 of them lasted two seconds, and on a shared machine
# the ratio of so short a window swung by a tenth from run to run.
CREATES = 1600
RACE_ROUNDS, RACE_CLIENTS = 10, 16
RACE_OUTLET = "BENCH-RACE"
# Owners whose vehicles the seeding never books (it takes the lowest-numbered vehicles first at
# every instant, about 220 of them), so they are free at any time.
FIRST_FREE_OWNER = 1000
RUN_MARK = "bench-http"
ZONE = ZoneInfo("Asia/Shanghai")  # the bench outlets' zone
TARGETS = {
    "availability": 0.5,
    "network search": 0.4,
    "availability, owner's car": 0.5,
    "network search, owner's car": 0.4,
    # The floor the plain booking path must keep (it made 0.31x with the private machinery
    # it gave up).
    "booking create": 0.2,
}


def log(message: str) -> None:
    print(message, flush=True)


# --- the load generator -------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    body: dict | None = None
    token: str | None = None


@dataclass
class Result:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000


def send(connection: http.client.HTTPConnection, request: Request) -> tuple[int, bytes]:
    # As from the TLS-terminating proxy in front of a deployment (SECURE_PROXY_SSL_HEADER): the
    # production settings redirect plain HTTP to HTTPS.
    headers = {"Accept": "application/json", "X-Forwarded-Proto": "https"}
    body = None
    if request.body is not None:
        body = json.dumps(request.body).encode()
        headers["Content-Type"] = "application/json"
    if request.token:
        headers["Authorization"] = f"Token {request.token}"
    connection.request(request.method, request.path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def run_load(
    requests_per_client: list[Callable[[], Iterator[Request]]], *, seconds: float | None = None
) -> Result:
    """One thread per client, each on its own keep-alive connection, all started at once; runs
    every client's requests (or repeats them for `seconds`)."""
    result = Result()
    lock = threading.Lock()
    barrier = threading.Barrier(len(requests_per_client) + 1)

    def client(requests: Callable[[], Iterator[Request]]) -> None:
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        statuses: Counter = Counter()
        latencies: list[float] = []
        barrier.wait()
        deadline = time.perf_counter() + seconds if seconds else None
        try:
            while True:
                for request in requests():
                    started = time.perf_counter()
                    status, _ = send(connection, request)
                    latencies.append(time.perf_counter() - started)
                    statuses[status] += 1
                    if deadline and time.perf_counter() >= deadline:
                        return
                if not deadline:
                    return
        finally:
            connection.close()
            with lock:
                result.statuses.update(statuses)
                result.latencies.extend(latencies)

    threads = [threading.Thread(target=client, args=(r,)) for r in requests_per_client]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def repeat(request: Request) -> Callable[[], Iterator[Request]]:
    return lambda: iter([request])


def distinct(request: Request) -> Callable[[], Iterator[Request]]:
    """The request with a parameter of its own each time: a new question, so that every
    availability answer is computed (the cache keys the whole query string)."""
    numbers = count()
    lock = threading.Lock()

    def take() -> Iterator[Request]:
        with lock:
            number = next(numbers)
        yield replace(request, path=f"{request.path}&ask={number}")

    return take


def once(requests: list[Request]) -> Callable[[], Iterator[Request]]:
    return lambda: iter(requests)


def shared(requests: list[Request]) -> Callable[[], Iterator[Request]]:
    """One queue for every client that is given it: each takes the next request as soon as
    its last one is answered, so all of them stay busy until the queue is empty, as they do
    through a timed read. (Fixed shares per client measured the slowest client instead: the
    others finished early and the server sat half idle at the end.)"""
    pending = iter(requests)
    lock = threading.Lock()

    def take() -> Iterator[Request]:
        while True:
            with lock:
                request = next(pending, None)
            if request is None:
                return
            yield request

    return take


# --- the server -----------------------------------------------------------------------------


def web_command() -> str:
    """The Procfile's `web` line: the server exactly as `make run` starts it."""
    return shlex.join(procfile_command("web"))


@contextmanager
def gunicorn(queue: str, settings_env: dict[str, str]) -> Iterator[None]:
    env = {
        **_ENV_BEFORE,
        **settings_env,
        "DATABASE_URL": DATABASE_URL,
        "CACHE_KEY_PREFIX": os.environ["CACHE_KEY_PREFIX"],
        "PORT": str(PORT),
        "CELERY_QUEUE": queue,
    }
    # The server's log goes to a file, not a pipe: nobody reads a pipe during the run, and
    # once its buffer filled with the race's "Conflict" warnings every worker thread blocked
    # writing to it (the stalls of tens of seconds earlier runs saw).
    # BENCH_HTTP_SERVER_LOG keeps the log (gunicorn's errors, the service's warnings) to read.
    kept = os.environ.get("BENCH_HTTP_SERVER_LOG")
    with open(kept, "w+b") if kept else tempfile.TemporaryFile() as server_log:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {web_command()}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: one line per request
            stderr=server_log,
            start_new_session=True,
        )
        try:
            _wait_until_up(process, server_log)
            log(f"server: PORT={PORT} {web_command()}")
            yield
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def _wait_until_up(process: subprocess.Popen, server_log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            server_log.seek(0)
            raise SystemExit(f"gunicorn exited:\n{server_log.read().decode()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=5)
            status, _ = send(connection, Request("GET", "/healthz"))
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not answer /healthz within 60 s.")
        time.sleep(0.3)


# --- the data -------------------------------------------------------------------------------


def verified_owners(vehicles: dict[int, int]) -> dict[int, User]:
    """The owners (owner id → vehicle id) as the platform serves them (DESIGN.md "Identity and
    trust"): each phone proven by a code and each car verified to its owner, so that a booking
    records its messages to that phone as a real one does. Idempotent; returns the users."""
    now = dt.datetime.now(dt.UTC)
    users = {user.pk: user for user in User.objects.filter(pk__in=vehicles)}
    unproven = [user for user in users.values() if not user.phone_is_verified]
    for user in unproven:
        user.phone = user.verified_phone = f"+86139{user.pk:08d}"
        user.phone_verified_at = now
    User.objects.bulk_update(unproven, ["phone", "verified_phone", "phone_verified_at"])
    Vehicle.objects.filter(pk__in=vehicles.values(), verified_at__isnull=True).update(
        verified_at=now, verified_via=Vehicle.VerifiedVia.DELIVERY_RECORD
    )
    return users


def owner_tokens(count: int, *, skip: int = 0) -> list[tuple[str, int]]:
    """(token, vehicle id) of `count` distinct bench owners whose vehicles are always free."""
    first = FIRST_FREE_OWNER + skip
    usernames = [f"bench{n}" for n in range(first, first + count)]
    vehicles = dict(
        Vehicle.objects.filter(owner__username__in=usernames).values_list("owner_id", "id")
    )
    if len(vehicles) < count:
        raise SystemExit(f"The bench network has too few owners for {count} clients.")
    users = verified_owners(vehicles)
    # A sign-in's token each (knox keeps only digests, so a stored token cannot be read back).
    return [
        (user_token(user=users[user_id]).token, vehicle_id)
        for user_id, vehicle_id in vehicles.items()
    ]


def race_outlet() -> Outlet:
    """An outlet with one bay, one technician and no bookings: each race round's slot is its
    last one."""
    outlet = Outlet.objects.filter(code=RACE_OUTLET).first()
    if outlet:
        return outlet
    with transaction.atomic():
        outlet = Outlet.objects.create(
            code=RACE_OUTLET,
            name="Bench Race Centre",
            address="1 Race Road",
            city="Urumqi",  # far from every search of the bench
            latitude=43.8,
            longitude=87.6,
            plans_crews=True,
        )
        brands = list(Brand.objects.all())
        outlet.brands.set(brands)
        outlet.services.set(ServiceType.objects.filter(code=network.SERVICE))
        OpeningHours.objects.bulk_create(
            OpeningHours(outlet=outlet, weekday=day, opens=dt.time(8), closes=dt.time(18))
            for day in range(7)
        )
        bay = Bay.objects.create(outlet=outlet, name="B01", capabilities=["general"])
        # One technician for the one bay: the race is for the bay and the crew at once.
        network.staff_bays([bay], brands, {day: (dt.time(8), dt.time(18)) for day in range(7)})
    return outlet


def free_slots(count: int) -> list[tuple[str, str]]:
    """`count` distinct (outlet, start) pairs, each free, on the hour, none overlapping another,
    read through the availability API (as a client would)."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    today = dt.datetime.now(ZONE).date()
    slots: list[tuple[str, str]] = []
    try:
        for n in range(1, network.OUTLETS):
            code = f"BENCH-{n:03d}"
            path = (
                f"/api/v1/outlets/{code}/availability/?service={network.SERVICE}&brand=aito"
                f"&date_from={today + dt.timedelta(days=2)}&date_to={today + dt.timedelta(days=8)}"
            )
            status, body = send(connection, Request("GET", path))
            if status != 200:
                raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
            for day in json.loads(body)["days"]:
                slots += [(code, start) for start in day["starts"] if start[14:16] == "00"]
            if len(slots) >= count:
                return slots[:count]
    finally:
        connection.close()
    raise SystemExit(f"Only {len(slots)} free slots found; {count} wanted.")


def spread(slots: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same slots dealt outlet by outlet in turn: the next client books at another outlet."""
    by_outlet: dict[str, list[tuple[str, str]]] = {}
    for slot in slots:
        by_outlet.setdefault(slot[0], []).append(slot)
    return [slot for turn in zip_longest(*by_outlet.values()) for slot in turn if slot is not None]


# --- the benchmark --------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    result: Result
    note: str = ""
    ok: bool = True


@dataclass(frozen=True)
class Mode:
    name: str
    env: dict[str, str]
    judged: bool  # whether the targets apply


# The targets are judged on the production settings, the ones a server under load runs: with
# DEBUG on, Django also logs every SQL statement of a request, a cost no deployment pays. The
# development settings (`make run`'s) are measured too, to show that cost.
MODES = {
    "production": Mode(
        "production settings (DEBUG off, as the Docker image runs)",
        {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48)},
        judged=True,
    ),
    "development": Mode("development settings (DEBUG on, as `make run`)", {"DEBUG": "1"}, False),
}


def measure(mode: Mode, *, race: Outlet, creators, racers, asker, asker_vehicle) -> list[Row]:
    """One server in `mode`, every request kind measured against it."""
    today = dt.datetime.now(ZONE).date()
    queue = f"bench-http-{uuid.uuid4().hex[:8]}"
    rows: list[Row] = []
    try:
        with gunicorn(queue, mode.env):
            week = (
                f"/api/v1/outlets/{network.BUSY}/availability/?service={network.SERVICE}"
                f"&date_from={today}&date_to={today + dt.timedelta(days=6)}"
            )
            near = f"/api/v1/availability/?near=31.23,121.47&service={network.SERVICE}&limit=5"
            reads = {
                "brand list": Request("GET", "/api/v1/brands/"),
                "availability": Request("GET", f"{week}&brand=aito"),
                "network search": Request("GET", f"{near}&brand=aito"),
                "availability, owner's car": Request(
                    "GET", f"{week}&vehicle={asker_vehicle}", token=asker
                ),
                "network search, owner's car": Request(
                    "GET", f"{near}&vehicle={asker_vehicle}", token=asker
                ),
            }
            for label, request in reads.items():
                run_load([repeat(request)], seconds=1)  # warm-up
                result = run_load([repeat(request)] * CLIENTS, seconds=READ_SECONDS)
                rows.append(Row(label, result))
            for label in ["availability, owner's car", "network search, owner's car"]:
                asks = distinct(reads[label])
                result = run_load([asks] * CLIENTS, seconds=READ_SECONDS)
                rows.append(Row(label.replace("owner's car", "computed"), result))

            # Half the creators book one outlet's free slots in turn (concurrent clients at
            # one outlet on one day, where the writes queue on the outlet-day lock), half the
            # same number of slots dealt over the outlets, as owners across the network book.
            half = len(creators) // 2
            slots = free_slots(2 * half)
            for label, (clients, dealt) in {
                "booking create, one outlet at a time": (creators[:half], slots[:half]),
                "booking create": (creators[half:], spread(slots[half:])),
            }.items():
                bookings = [
                    Request(
                        "POST",
                        "/api/v1/bookings/",
                        {
                            "vehicle": vehicle_id,
                            "outlet": code,
                            "services": [network.SERVICE],
                            "start": start,
                            "mode": "drop_off",
                            "notes": RUN_MARK,
                        },  # fmt: skip
                        token,
                    )
                    for (token, vehicle_id), (code, start) in zip(clients, dealt, strict=True)
                ]
                result = run_load([shared(bookings)] * CLIENTS)
                created = result.statuses[201]
                rows.append(Row(label, result, f"{created} of {result.count} created"))
            rows.append(race_rounds(race, racers, today))
            # The baseline again, last: on a shared machine the load drifts during a run, and
            # the ratios are to the mean of the first and this one.
            again = reads["brand list"]
            rows.append(
                Row("brand list, again", run_load([repeat(again)] * CLIENTS, seconds=READ_SECONDS))
            )
    finally:
        drop_queue(queue)
        Booking.objects.filter(notes=RUN_MARK).delete()
    return rows


def race_rounds(race: Outlet, racers, today: dt.date) -> Row:
    race_result, rounds_ok = Result(), 0
    for n in range(RACE_ROUNDS):
        day = today + dt.timedelta(days=2 + n // 8)
        start = dt.datetime.combine(day, dt.time(9 + n % 8), tzinfo=ZONE)
        round_requests = [
            Request(
                "POST",
                "/api/v1/bookings/",
                {
                    "vehicle": vehicle_id,
                    "outlet": race.code,
                    "services": [network.SERVICE],
                    "start": start.isoformat(),
                    "mode": "drop_off",
                    "notes": RUN_MARK,
                },  # fmt: skip
                token,
            )
            for token, vehicle_id in racers
        ]
        one = run_load([once([request]) for request in round_requests])
        race_result.statuses.update(one.statuses)
        race_result.latencies += one.latencies
        race_result.elapsed += one.elapsed
        if one.statuses == Counter({201: 1, 409: RACE_CLIENTS - 1}):
            rounds_ok += 1
        else:
            log(f"  race round {n}: {dict(one.statuses)} (expected one 201, the rest 409)")
    return Row(
        f"booking race ({RACE_CLIENTS} on one slot)",
        race_result,
        f"{rounds_ok}/{RACE_ROUNDS} rounds: exactly one 201, {RACE_CLIENTS - 1} × 409",
        ok=rounds_ok == RACE_ROUNDS,
    )


def report(mode: Mode, rows: list[Row]) -> list[str]:
    """Print the table of one mode; return what failed."""
    baseline = (rows[0].result.rate + rows[-1].result.rate) / 2
    log(f"\n{mode.name}")
    log(f"baseline: the brand list's mean, first and last: {baseline:.1f} req/s")
    log(f"{'request':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  target")
    failed = []
    for row in rows:
        ratio = row.result.rate / baseline if baseline else 0.0
        target = TARGETS.get(row.label)
        verdict = ""
        if target is not None:
            verdict = f">= {target}x {'met' if ratio >= target else 'MISSED'}"
            if not mode.judged:
                verdict = f"({verdict}; not judged here)"
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(row.result.statuses.items()))
        log(
            f"{row.label:<38} {row.result.rate:8.1f} {row.result.percentile(0.5):8.1f} "
            f"{row.result.percentile(0.99):8.1f} {ratio:6.2f}x  {verdict}"
        )
        log(f"{'':<38} statuses {statuses}{'; ' + row.note if row.note else ''}")
        if row.label.startswith("booking create") and row.result.statuses[201] != row.result.count:
            failed.append(f"{mode.name}: {row.label}: not every distinct free slot was booked")
        if not row.ok:
            failed.append(f"{mode.name}: {row.label}: a round did not end with exactly one 201")
    return failed


def main() -> None:
    log(f"database: {DATABASE_URL.rsplit('/', 1)[-1]}")
    network.ensure_seeded()
    log(machine.describe())
    Booking.objects.filter(notes=RUN_MARK).delete()  # leftovers of an interrupted run
    race = race_outlet()
    creators = owner_tokens(CREATES)
    racers = owner_tokens(RACE_CLIENTS, skip=CREATES)
    [(asker, asker_vehicle)] = owner_tokens(1, skip=CREATES + RACE_CLIENTS)
    modes = [MODES[name] for name in os.environ.get("BENCH_HTTP_MODES", ",".join(MODES)).split(",")]
    log(f"load: {CLIENTS} clients, {READ_SECONDS:.0f} s per read, keep-alive, on {HOST}:{PORT}")
    measured = [
        (
            mode,
            measure(
                mode,
                race=race,
                creators=creators,
                racers=racers,
                asker=asker,
                asker_vehicle=asker_vehicle,
            ),
        )
        for mode in modes
    ]
    failed = [problem for mode, rows in measured for problem in report(mode, rows)]
    log(machine.describe(", at the end"))
    if os.environ.get("BENCH_JSON"):  # for bench/growth.py: small and full side by side
        figures = {
            mode.name: {
                row.label: {
                    "rate": row.result.rate,
                    "p50": row.result.percentile(0.5),
                    "p99": row.result.percentile(0.99),
                }
                for row in rows
            }
            for mode, rows in measured
        }
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(figures, indent=1))
    for problem in failed:
        log(f"FAILED: {problem}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
