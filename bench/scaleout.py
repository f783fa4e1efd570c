"""Scale-out benchmark: `.venv/bin/python bench/scaleout.py`.

Two web servers and two Celery workers on one PostgreSQL and one Redis, as an operator scales
out: the booking race and exactly-once delivery must still hold across processes that share
nothing but the database and the broker.

One command. Works in its own database (DATABASE_URL's name + `_bench_scaleout`,
`hima_bench_scaleout` by default; BENCH_SCALEOUT_DATABASE_URL overrides it), seeded once with
bench/availability.py's network (200 outlets, 116,000
bookings; a minute and a half the first time, then reused), and starts, each a process of its own:

- two servers, the Procfile's `web` line (gunicorn.conf.py) on ports BENCH_SCALEOUT_PORTS
  (default 8311,8312), with the production settings (DEBUG off; requests carry the TLS proxy's
  X-Forwarded-Proto, as in bench/http.py);
- two workers, the Procfile's `worker` line (2 processes each) with distinct node names
  (`-n`) and without mingle and gossip (they would talk to other workers on the shared Redis);
- the Procfile's `audit` worker (one process) on the run's audit queue, which takes the beat's
  audit work;
- one beat, the Procfile's `beat` line with its schedule file in a temporary folder.

All of them queue Celery messages on a queue of the run's own, dropped at the end (no other
worker takes them), and keep their cache keys under a prefix of the run's own (the hourly
create counts of one run do not refuse the next), deleted at the end.

It prints:

- the race across servers: BENCH_SCALEOUT_ROUNDS rounds (10) of 16 clients booking one last
  free slot at once, half of them through each server; each round must end with exactly one
  201 and 15 × 409 (as bench/http.py's race), and the database must hold one booking at each
  round's slot;
- booking create, req/s, p50, p99, 8 clients on BENCH_SCALEOUT_CREATES (300) distinct free
  slots and owners (bench/http.py's create): through one server, measured first and again
  last (the baseline is the mean of the two, as a shared machine's load drifts), and spread
  over both servers (4 clients on each), each with its ratio to the baseline. Every create
  must be a 201. Two servers share the machine's cores with everything else, so the ratio
  says that spreading costs nothing and how much it gains here, not what more machines give;
- exactly-once delivery across the two workers: every booking made records its confirmation
  (SMS and e-mail: the owners' phones and addresses are verified) in the outbox, and the
  on-commit kick of whichever server took the booking queues it at once; meanwhile this
  process runs the beat's scan (`notifications_dispatch_due`) twice a second, so rows kicked
  and not yet started are claimed and queued a second time and the two workers are handed
  the same rows. When nothing due is pending and the queue is empty, it waits for a dispatch
  scan that beat itself sent (the first comes a minute after beat started) to have been run
  by a worker, then counts: from the database the notifications due, their statuses and the
  sent log (`NotificationDelivery`, one row per notification); from each worker's own log
  every message handed to the console channels (an `SMS <key> to …` line per SMS, an
  `X-HIMA-Notification-Key:` header per e-mail), so a second send would show even though the
  sent log cannot record it: duplicates and missing must be 0, every due row sent, and both
  workers must have sent some. Per worker: messages sent, delivery tasks run, and rows a task
  found locked by another process and left to it ("busy": another worker process sending it, or a
  scan claiming it). Beat's scans: how many a worker ran and what each claimed.

A run takes about three minutes on a loaded 2-CPU VM (the first one also seeds, 90 s).
Exits 1 if a check failed. The bookings it made are deleted at the end, so every run starts
from the same data; all its processes are stopped also on Ctrl-C or an error.
BENCH_SCALEOUT_LOGS=<folder> keeps the servers', workers' and beat's logs there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package, and Python puts the
# script's folder first on sys.path: take it off before anything imports `http.client`.
BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(BASE_DIR))

import ast  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from bench.database import bench_database_url  # noqa: E402

_ENV_BEFORE = dict(os.environ)  # what the processes inherit, before the settings below
RUN = uuid.uuid4().hex[:8]
QUEUE = f"bench-scaleout-{RUN}"
AUDIT_QUEUE = f"{QUEUE}-audit"  # the beat's audit work: the Procfile's `audit` worker takes it
CACHE_PREFIX = f"hima-bench-scaleout-{RUN}"


DATABASE_URL = bench_database_url("_bench_scaleout", override="BENCH_SCALEOUT_DATABASE_URL")
# bench/http.py, imported below for its load generator and data helpers, sets Django up on
# the database this names (and seeds it through bench/availability.py).
os.environ["BENCH_HTTP_DATABASE_URL"] = DATABASE_URL
# The small network always: what is checked here is processes sharing a database and a broker,
# not the data's size (and BENCH_SIZE=full would seed millions of rows into this database).
os.environ["BENCH_SIZE"] = "small"
os.environ["CACHE_KEY_PREFIX"] = CACHE_PREFIX
os.environ["CELERY_QUEUE"] = QUEUE  # the scans this process runs queue there too
os.environ["CELERY_AUDIT_QUEUE"] = AUDIT_QUEUE

from bench import http as web  # noqa: E402 (first: it sets Django up)

network = web.network  # bench/availability.py: the seeded network

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.http import Request, Result, log, once, send, shared  # noqa: E402
from bench.procfile import procfile_command, with_option  # noqa: E402
from bookings.models import Booking, Notification, NotificationDelivery  # noqa: E402
from bookings.notify.dispatch import notifications_dispatch_due  # noqa: E402

PORTS = [int(port) for port in os.environ.get("BENCH_SCALEOUT_PORTS", "8311,8312").split(",")]
HOST = web.HOST
CLIENTS = 8  # create load: all on one server, or half on each
CREATES = int(os.environ.get("BENCH_SCALEOUT_CREATES", "300"))  # per create measurement
RACE_ROUNDS = int(os.environ.get("BENCH_SCALEOUT_ROUNDS", "10"))
RACE_CLIENTS = 16
WORKER_CONCURRENCY = 2
SCAN_INTERVAL = 0.5  # seconds between this process's scans during the load
DELIVERY_TIMEOUT = 240  # seconds to wait for every due message to be sent
RUN_MARK = "bench-scaleout"
SMS_LINE = re.compile(r"SMS (\S+) to ")
EMAIL_LINE = re.compile(r"X-HIMA-Notification-Key: (\S+)")
# Celery's line for a finished task, with what the task returned.
TASK_LINE = re.compile(r"Task (bookings\.[a-z_]+)\[[^\]]+\] succeeded in [\d.]+s: (.*)")
DELIVER_BATCH = "bookings.deliver_notifications"
DISPATCH = "bookings.dispatch_due_notifications"
BEAT_WAIT = 90  # seconds after beat's start by which its first scan (every 60 s) has run
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(48)}
# The console channels, whatever the caller's environment or .env says, and their INFO lines:
# the sends are counted from them.
CONSOLE_CHANNELS = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "NOTIFICATION_SMS_BACKEND": "bookings.notify.channels.ConsoleSmsBackend",
    "NOTIFICATION_EMAIL_BACKEND": "bookings.notify.channels.DjangoEmailBackend",
    "LOG_LEVEL": "INFO",
}


# --- the processes --------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path


def process_env(**extra: str) -> dict[str, str]:
    return {
        **_ENV_BEFORE,
        **PRODUCTION,
        **CONSOLE_CHANNELS,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_QUEUE": QUEUE,
        "CELERY_AUDIT_QUEUE": AUDIT_QUEUE,
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        **extra,
    }


@contextmanager
def started(name: str, command: list[str], env: dict[str, str], logs: Path) -> Iterator[Process]:
    """A process in a session of its own (its children stop with it), its output in a file
    (a pipe nobody reads would fill and block it), stopped on leaving."""
    log_path = logs / f"{name}.log"
    with open(log_path, "ab") as output:
        popen = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process = Process(name, popen, log_path)
    try:
        yield process
    finally:
        stop(process)


def stop(process: Process) -> None:
    if process.popen.poll() is not None:
        return
    os.killpg(process.popen.pid, signal.SIGTERM)
    try:
        process.popen.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait()


def check_alive(process: Process) -> None:
    if process.popen.poll() is not None:
        tail = process.log_path.read_text(errors="replace")[-2000:]
        raise SystemExit(f"{process.name} exited ({process.popen.returncode}):\n{tail}")


def server(port: int, logs: Path, stack: ExitStack) -> Process:
    # The access log (one line per request) is not wanted; errors and warnings are.
    env = process_env(PORT=str(port), WEB_ACCESS_LOG="/dev/null")
    process = stack.enter_context(started(f"web-{port}", procfile_command("web"), env, logs))
    deadline = time.monotonic() + 60
    while True:
        check_alive(process)
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            status, _ = send(conn, Request("GET", "/healthz"))
            conn.close()
            if status == 200:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server on {port} did not answer /healthz within 60 s.")
        time.sleep(0.3)


def worker(number: int, logs: Path, stack: ExitStack) -> Process:
    command = with_option(procfile_command("worker"), "--concurrency", str(WORKER_CONCURRENCY))
    command = [*command, "-n", f"scaleout{number}-{RUN}@%h", "--without-mingle", "--without-gossip"]
    return stack.enter_context(started(f"worker{number}", command, process_env(), logs))


def audit_worker(logs: Path, stack: ExitStack) -> Process:
    command = with_option(procfile_command("audit"), "-Q", AUDIT_QUEUE)
    command = with_option(command, "-n", f"scaleout-audit-{RUN}@%h")
    command = [*command, "--without-mingle", "--without-gossip"]
    return stack.enter_context(started("audit", command, process_env(), logs))


def beat(logs: Path, stack: ExitStack) -> Process:
    command = with_option(procfile_command("beat"), "--schedule", str(logs / "beat-schedule"))
    return stack.enter_context(started("beat", command, process_env(), logs))


def wait_for_workers(workers: list[Process]) -> None:
    deadline = time.monotonic() + 90
    for process in workers:
        while b" ready." not in process.log_path.read_bytes():
            check_alive(process)
            if time.monotonic() > deadline:
                raise SystemExit(f"{process.name} was not ready within 90 s.")
            time.sleep(0.3)


def clean_redis() -> None:
    """Drop the run's queues and its cache keys (only those under the run's own prefix)."""
    web.drop_queue(QUEUE)
    web.drop_queue(AUDIT_QUEUE)
    try:
        client = redis.Redis.from_url(settings.REDIS_URL)
        # A worker's declare also records the binding in kombu's "permanent" set, which
        # drop_queue (for a run without workers) does not know.
        client.delete(
            f"_kombu.binding_permanent.{QUEUE}", f"_kombu.binding_permanent.{AUDIT_QUEUE}"
        )
        keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass


# --- the load -------------------------------------------------------------------------------


def run_spread(clients: list[tuple[int, Callable[[], Iterator[Request]]]]) -> Result:
    """bench/http.py's run_load, each client on the port it is given: one thread per client,
    its own keep-alive connection, all started at once."""
    result = Result()
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def client(port: int, requests: Callable[[], Iterator[Request]]) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        statuses: Counter = Counter()
        latencies: list[float] = []
        barrier.wait()
        try:
            for request in requests():
                begun = time.perf_counter()
                status, _ = send(conn, request)
                latencies.append(time.perf_counter() - begun)
                statuses[status] += 1
        finally:
            conn.close()
            with lock:
                result.statuses.update(statuses)
                result.latencies.extend(latencies)

    threads = [threading.Thread(target=client, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    begun = time.perf_counter()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - begun
    return result


def create_request(token: str, vehicle_id: int, outlet: str, start: str) -> Request:
    body = {
        "vehicle": vehicle_id,
        "outlet": outlet,
        "services": [network.SERVICE],
        "start": start,
        "mode": "drop_off",
        "notes": RUN_MARK,
    }
    return Request("POST", "/api/v1/bookings/", body, token)


def creates(
    owners: list[tuple[str, int]], slots: list[tuple[str, str]], ports: list[int]
) -> Result:
    """Every owner books one slot; CLIENTS clients share the queue, spread over `ports`."""
    requests = [
        create_request(token, vehicle_id, code, start)
        for (token, vehicle_id), (code, start) in zip(owners, slots, strict=True)
    ]
    queue = shared(requests)
    return run_spread([(ports[n % len(ports)], queue) for n in range(CLIENTS)])


@dataclass
class Race:
    rounds_ok: int = 0
    one_booking_per_slot: int = 0
    statuses: Counter = field(default_factory=Counter)


def race(outlet_code: str, racers: list[tuple[str, int]]) -> Race:
    """bench/http.py's race, half of each round's clients on each server."""
    today = dt.datetime.now(web.ZONE).date()
    outcome = Race()
    for n in range(RACE_ROUNDS):
        day = today + dt.timedelta(days=2 + n // 8)
        start = dt.datetime.combine(day, dt.time(9 + n % 8), tzinfo=web.ZONE)
        round_clients = [
            (
                PORTS[i % len(PORTS)],
                once([create_request(token, vehicle, outlet_code, start.isoformat())]),
            )
            for i, (token, vehicle) in enumerate(racers)
        ]
        one = run_spread(round_clients)
        outcome.statuses.update(one.statuses)
        if one.statuses == Counter({201: 1, 409: RACE_CLIENTS - 1}):
            outcome.rounds_ok += 1
        else:
            log(f"  race round {n}: {dict(one.statuses)} (expected one 201, the rest 409)")
        booked = Booking.objects.filter(
            outlet__code=outlet_code, start=start, status__in=Booking.ACTIVE_STATUSES
        ).count()
        if booked == 1:
            outcome.one_booking_per_slot += 1
        else:
            log(f"  race round {n}: {booked} active bookings at the slot (expected 1)")
    return outcome


class Scanner:
    """The beat's dispatch scan, run by this process every SCAN_INTERVAL during the load, so
    that rows kicked by a server and not yet started by a worker are claimed and queued again:
    two tasks for the same rows, taken by whichever workers are free."""

    def __init__(self) -> None:
        self.claimed = 0
        self.scans = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(SCAN_INTERVAL):
                self.claimed += notifications_dispatch_due()
                self.scans += 1
        finally:
            connection.close()

    def __enter__(self) -> Scanner:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- the data -------------------------------------------------------------------------------


def owners(count: int, *, skip: int) -> list[tuple[str, int]]:
    """bench/http.py's owners (phone verified, car verified), each with a verified e-mail
    address too, so that every booking records its messages on both channels."""
    first = web.FIRST_FREE_OWNER + skip
    now = timezone.now()
    unproven = list(
        User.objects.filter(
            username__in=[f"bench{n}" for n in range(first, first + count)],
            email_verified_at__isnull=True,
        )
    )
    for user in unproven:
        user.email = user.verified_email = f"{user.username}@bench.example"
        user.email_verified_at = now
    User.objects.bulk_update(unproven, ["email", "verified_email", "email_verified_at"])
    return web.owner_tokens(count, skip=skip)


def channel_sends(workers: list[Process]) -> dict[str, Counter]:
    """Per worker: how many times each notification key was handed to a console channel."""
    sends: dict[str, Counter] = {}
    for process in workers:
        text = process.log_path.read_text(errors="replace")
        sends[process.name] = Counter(SMS_LINE.findall(text) + EMAIL_LINE.findall(text))
    return sends


def task_outcomes(process: Process) -> tuple[int, Counter, list[str]]:
    """From a worker's log: the delivery tasks it ran, their outcomes summed (a row already
    sent counts as "sent" there too: the channel lines are what was sent), and what each
    dispatch scan it ran returned."""
    tasks, outcomes, scans = 0, Counter(), []
    for name, returned in TASK_LINE.findall(process.log_path.read_text(errors="replace")):
        if name == DELIVER_BATCH:
            tasks += 1
            outcomes.update(ast.literal_eval(returned))
        elif name == DISPATCH:
            scans.append(returned.strip())
    return tasks, outcomes, scans


def wait_for_beat_scan(workers: list[Process], beat_started: float) -> list[str]:
    """Until a worker has run a dispatch scan beat sent (its first, a minute after it started);
    returns what the beat's scans returned (rows claimed)."""
    deadline = beat_started + BEAT_WAIT
    while True:
        scans = [scan for process in workers for scan in task_outcomes(process)[2]]
        if scans or time.monotonic() > deadline:
            return scans
        time.sleep(1)


def queue_length() -> int:
    try:
        return int(redis.Redis.from_url(settings.REDIS_URL).llen(QUEUE))
    except redis.RedisError:
        return -1


def wait_for_delivery(due: list[int]) -> float:
    """Until no due row is pending and the queue is empty (then two seconds more, for any
    second task still in a worker's hands); returns the seconds waited."""
    begun = time.monotonic()
    deadline = begun + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        pending = Notification.objects.filter(pk__in=due, status=Notification.Status.PENDING)
        if not pending.exists() and queue_length() == 0:
            time.sleep(2)
            break
        time.sleep(0.5)
    return time.monotonic() - begun


def delivery_report(due_ids: list[int], workers: list[Process], beat_scans: list[str]) -> list[str]:
    """Print the exactly-once figures; return what failed."""
    due = Notification.objects.filter(pk__in=due_ids)
    statuses = Counter(dict(due.values_list("status").annotate(n=Count("id"))))
    logged = Counter(
        dict(
            NotificationDelivery.objects.filter(notification_id__in=due_ids)
            .values_list("notification_id")
            .annotate(n=Count("id"))
        )
    )
    keys = set(due.values_list("key", flat=True))
    per_worker = channel_sends(workers)
    handed = sum(per_worker.values(), Counter())
    duplicates = sum(n - 1 for key, n in handed.items() if key in keys and n > 1)
    missing = len(keys - set(handed))
    by_channel = Counter(due.values_list("channel", flat=True))
    channels = ", ".join(f"{channel}: {n}" for channel, n in sorted(by_channel.items()))
    log(f"notifications due: {len(keys)} ({channels}) for the run's bookings")
    log(
        "  in the outbox: "
        + ", ".join(f"{status}: {statuses.get(status, 0)}" for status in Notification.Status.values)
    )
    log(
        f"  sent log (NotificationDelivery): {sum(logged.values())} rows for "
        f"{len(logged)} notifications, "
        f"{sum(1 for n in logged.values() if n > 1)} with more than one"
    )
    log(
        f"  handed to the channels (workers' logs): {sum(handed[k] for k in keys)}; "
        f"duplicates {duplicates}, missing {missing}"
    )
    for process in workers:
        tasks, outcomes, _ = task_outcomes(process)
        log(
            f"  {process.name}: sent {sum(per_worker[process.name][k] for k in keys)}, in "
            f"{tasks} delivery tasks; rows found locked by another process (busy): "
            f"{outcomes['busy']}"
        )
    log(
        f"  beat's dispatch scans run by the workers: {len(beat_scans)} "
        f"(rows they claimed: {', '.join(beat_scans) or '-'})"
    )
    failed = []
    if statuses.get(Notification.Status.SENT, 0) != len(keys):
        failed.append(f"delivery: {len(keys) - statuses.get('sent', 0)} due notifications not sent")
    if sum(logged.values()) != len(keys) or any(n > 1 for n in logged.values()):
        failed.append("delivery: the sent log does not hold exactly one row per due notification")
    if duplicates or missing:
        failed.append(f"delivery: {duplicates} duplicate and {missing} missing channel sends")
    if not all(sum(sends[k] for k in keys) for sends in per_worker.values()):
        failed.append("delivery: a worker sent nothing (both should take part)")
    return failed


# --- the benchmark --------------------------------------------------------------------------


def main() -> None:
    log(f"database: {DATABASE_URL.rsplit('/', 1)[-1]}  (cpus: {os.cpu_count()})  queue: {QUEUE}")
    begun = time.perf_counter()
    network.ensure_seeded()
    log(f"seed: ready in {time.perf_counter() - begun:.1f} s")
    Booking.objects.filter(notes=RUN_MARK).delete()  # leftovers of an interrupted run
    race_outlet = web.race_outlet()
    racers = owners(RACE_CLIENTS, skip=0)
    creators = owners(3 * CREATES, skip=RACE_CLIENTS)
    failed: list[str] = []
    kept = os.environ.get("BENCH_SCALEOUT_LOGS")
    with ExitStack() as stack:
        stack.callback(clean_redis)
        stack.callback(lambda: Booking.objects.filter(notes=RUN_MARK).delete())
        logs = Path(kept) if kept else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        logs.mkdir(parents=True, exist_ok=True)
        servers = [server(port, logs, stack) for port in PORTS]
        workers = [worker(n, logs, stack) for n in (1, 2)]
        audit = audit_worker(logs, stack)
        beat_process = beat(logs, stack)
        beat_started = time.monotonic()
        wait_for_workers([*workers, audit])
        log(
            f"servers: {' and '.join(f'{HOST}:{port}' for port in PORTS)}, each "
            f"`{' '.join(procfile_command('web'))}`, production settings"
        )
        log(
            f"workers: 2 × `{' '.join(procfile_command('worker'))}` (-n scaleout1, scaleout2); "
            f"the audit's: 1; beat: 1; queues {QUEUE}, {AUDIT_QUEUE}"
        )
        web.PORT = PORTS[0]  # free_slots asks the first server
        slots = web.free_slots(3 * CREATES)
        started_at = timezone.now()

        with Scanner() as scanner:
            outcome = race(race_outlet.code, racers)
            parts = [creators[n * CREATES : (n + 1) * CREATES] for n in range(3)]
            spots = [slots[n * CREATES : (n + 1) * CREATES] for n in range(3)]
            one_first = creates(parts[0], spots[0], PORTS[:1])
            spread = creates(parts[1], spots[1], PORTS)
            one_last = creates(parts[2], spots[2], PORTS[:1])
        for process in [*servers, *workers, audit, beat_process]:
            check_alive(process)

        log(
            f"\nthe race across {len(PORTS)} servers ({RACE_CLIENTS} clients a round, half on each)"
        )
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(outcome.statuses.items()))
        log(
            f"  {outcome.rounds_ok}/{RACE_ROUNDS} rounds held: exactly one 201, "
            f"{RACE_CLIENTS - 1} × 409 (statuses {statuses}); "
            f"{outcome.one_booking_per_slot}/{RACE_ROUNDS} slots hold exactly one booking"
        )
        if outcome.rounds_ok != RACE_ROUNDS or outcome.one_booking_per_slot != RACE_ROUNDS:
            failed.append("race: a round did not end with exactly one booking")

        baseline = (one_first.rate + one_last.rate) / 2
        log(f"\nbooking create, {CLIENTS} clients, {CREATES} distinct slots and owners each")
        log(f"{'':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}")
        for label, result in (
            ("one server (first)", one_first),
            ("both servers (4 clients each)", spread),
            ("one server (again)", one_last),
        ):
            ratio = result.rate / baseline if baseline else 0.0
            log(
                f"  {label:<30} {result.rate:8.1f} {result.percentile(0.5):8.1f} "
                f"{result.percentile(0.99):8.1f} {ratio:6.2f}x  statuses "
                + ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
            )
            if result.statuses[201] != result.count:
                failed.append(f"booking create, {label}: not every distinct free slot was booked")
        log(f"  baseline: one server's mean of first and again, {baseline:.1f} req/s")

        due_ids = list(
            Notification.objects.filter(
                booking__notes=RUN_MARK, due_at__lte=timezone.now(), created_at__gte=started_at
            ).values_list("id", flat=True)
        )
        waited = wait_for_delivery(due_ids)
        log(
            f"\nexactly-once delivery across 2 workers (waited {waited:.1f} s after the load; "
            f"this process's scans: {scanner.scans}, claimed and queued again {scanner.claimed})"
        )
        beat_scans = wait_for_beat_scan(workers, beat_started)
        failed += delivery_report(due_ids, workers, beat_scans)
        if not beat_scans:
            failed.append("beat: no dispatch scan of beat's was run by a worker")
    for problem in failed:
        log(f"FAILED: {problem}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the processes as on Ctrl-C
    main()
