"""Audit benchmark: `make bench` or `.venv/bin/python bench/audit.py`.

Runs on the availability benchmark's network (its database, `hima_bench`, and its seeding,
imported from bench/availability.py: 200+ outlets, 100,000+ bookings over 30 days back and 30
ahead). That seed has what availability needs; once, this adds what an audit reads, in SQL and
deterministically: the past bookings get outcomes (completed, some cancelled and no-shows),
waits, labour times, service lines with checklists, a few recall lines and ratings, and the
bench cars are spread over every brand's models. Future bookings, which availability reads,
are left alone.

First it brings the audit's settled facts up to now (audit.settle, as the beat task does; the
whole history on a new database), with the time it took. Then prints, for one brand (AITO) over
30 days, over 90 days (60 back and 30 ahead: all the small seed's days) and over the last 90
days: p50/p95 wall time and SQL query count of the whole HTTP request for the outlet audit and
the equity audit, beside the p50 of one hand-written SQL statement computing the same figures
from the bookings (the physical floor of computing them: no Python, no JSON), and their ratio;
each request twice, in the same run: first with every booking computed live (the facts set
aside in a transaction rolled back), then as served, from the settled facts. Then, served, the
alliance admin's equity view of every brand (each brand at each outlet beside the others).
Beside each API request, the audit dashboard's page of the same figures (the overview, the
equity page), with the same floor. Then the dashboard's opening view, the last quarter (the 90
days up to yesterday), each of those requests figured when asked and then answered as the beat
keeps it (audit.kept), with the time the beat's refresh took. Last, the crews page (who may crew
each outlet's days) over the 30 days ahead and 90, without a floor: its rules run in Python.

With BENCH_SIZE=full, the same at the alliance's size (`hima_bench_full`, seeded by
bench/alliance.py with the outcomes, service lines and ratings already in: 1,200 outlets, 10
million bookings over 3 years), in fewer runs (BENCH_AUDIT_RUNS, default 5 there, 30 here: each
request reads hundreds of thousands of bookings). BENCH_JSON=<path> also writes the figures
there, for bench/growth.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where "audit" would be this file
# and not the audit app: the repository root replaces it.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

# bench/availability.py, first: it points Django at the bench database and sets it up.
from bench import alliance  # noqa: E402
from bench import availability as network  # noqa: E402

# isort: split
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.kept import keep_opening_views  # noqa: E402
from audit.models import FactsWatermark  # noqa: E402
from audit.periods import last_quarter  # noqa: E402
from audit.settle import facts_settle  # noqa: E402
from bench import machine  # noqa: E402
from bookings.models import BookingService  # noqa: E402
from vehicles.models import Brand, BrandMembership  # noqa: E402

RUNS = int(os.environ.get("BENCH_AUDIT_RUNS", 5 if alliance.FULL else 30))
FIGURES: dict[str, dict[str, float]] = {}  # label: p50, floor (ms), for BENCH_JSON
BRAND = "AITO"
ADMIN = "bench.audit.aito"
ALLIANCE_ADMIN = "bench.audit.alliance"
log = network.log

# The hand-written floor: the same figures as the endpoints in the plainest statements that
# compute them. The bookings of the period (local dates at each outlet), their service lines
# (only the completed ones'), their ratings…
FLOOR_BOOKINGS = sql.SQL("""
WITH b AS (
    SELECT b.id, b.outlet_id, b.brand_id, b.status, b.start, b.actual_labour_minutes, f.rating,
           CASE WHEN b.channel <> 'walk_in' AND b.started_at IS NOT NULL
                THEN extract(epoch FROM b.started_at - b.start) / 60 END AS wait
    FROM bookings_booking b
    JOIN outlets_outlet o ON o.id = b.outlet_id
    LEFT JOIN bookings_feedback f ON f.booking_id = b.id
    WHERE b.start >= (%(date_from)s::date::timestamp AT TIME ZONE o.time_zone)
      AND b.start < ((%(date_to)s::date + 1)::timestamp AT TIME ZONE o.time_zone)
      AND b.start >= ((%(date_from)s::date - 1)::timestamp AT TIME ZONE 'UTC')
      AND b.start < ((%(date_to)s::date + 2)::timestamp AT TIME ZONE 'UTC')
      {where}
), lines AS (
    SELECT bs.booking_id,
           sum(bs.labour_minutes) AS standard,
           bool_or(st.category = 'recall') AS recall,
           sum(jsonb_array_length(bs.checklist_result)) AS items,
           sum((SELECT count(*) FROM jsonb_array_elements(bs.checklist_result) i
                WHERE i -> 'done' = 'true')) AS done
    FROM bookings_bookingservice bs JOIN outlets_servicetype st ON st.id = bs.service_type_id
    WHERE bs.booking_id IN (SELECT id FROM b WHERE status = 'completed')
    GROUP BY bs.booking_id
), s AS (
    SELECT b.*, lines.standard, lines.recall, lines.items, lines.done
    FROM b LEFT JOIN lines ON lines.booking_id = b.id
)""")
# …and every figure of a group of them.
FLOOR_FIGURES = sql.SQL("""
       count(*),
       count(*) FILTER (WHERE status = 'completed'),
       count(*) FILTER (WHERE status = 'cancelled'),
       count(*) FILTER (WHERE status = 'no_show'),
       count(*) FILTER (WHERE status <> 'cancelled' AND start <= now()),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wait),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY wait),
       count(*) FILTER (WHERE wait <= 15), count(wait),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY actual_labour_minutes::float8 / standard)
           FILTER (WHERE status = 'completed' AND actual_labour_minutes IS NOT NULL),
       sum(done) FILTER (WHERE status = 'completed'),
       sum(items) FILTER (WHERE status = 'completed'),
       avg(rating) FILTER (WHERE status = 'completed'),
       count(rating) FILTER (WHERE status = 'completed'),
       count(*) FILTER (WHERE status = 'completed' AND recall)""")
FLOOR_OUTLETS = sql.SQL(
    "{} SELECT outlet_id, {} FROM s GROUP BY GROUPING SETS ((outlet_id), ())"
).format(FLOOR_BOOKINGS.format(where=sql.SQL("AND b.brand_id = %(brand)s")), FLOOR_FIGURES)
# Equity: at each outlet where the brand has bookings, the brand's and the others' pooled,
# with the raw waits and ratings that the rank tests need.
FLOOR_EQUITY = sql.SQL("""{bookings}
SELECT outlet_id, brand_id = %(brand)s AS own, {figures},
       array_agg(wait) FILTER (WHERE wait IS NOT NULL),
       array_agg(rating) FILTER (WHERE status = 'completed' AND rating IS NOT NULL)
FROM s
WHERE outlet_id IN (SELECT outlet_id FROM s WHERE brand_id = %(brand)s)
GROUP BY outlet_id, brand_id = %(brand)s
""").format(bookings=FLOOR_BOOKINGS.format(where=sql.SQL("")), figures=FLOOR_FIGURES)
# The alliance's equity view: at every outlet, each brand there beside all the others pooled.
FLOOR_EQUITY_EVERY_BRAND = sql.SQL("""{bookings}
SELECT s.outlet_id, there.brand_id, s.brand_id = there.brand_id AS own, {figures},
       array_agg(wait) FILTER (WHERE wait IS NOT NULL),
       array_agg(rating) FILTER (WHERE status = 'completed' AND rating IS NOT NULL)
FROM s JOIN (SELECT DISTINCT outlet_id, brand_id FROM s) there USING (outlet_id)
GROUP BY s.outlet_id, there.brand_id, s.brand_id = there.brand_id
""").format(bookings=FLOOR_BOOKINGS.format(where=sql.SQL("")), figures=FLOOR_FIGURES)


def ensure_network() -> None:
    """The availability bench's network, seeded (or re-seeded when dated) by its own code."""
    network.prepare()
    if network.seeded() and (network.stale() or os.environ.get("BENCH_RESEED")):
        log("seed: the seeded dates are past (or BENCH_RESEED is set): starting over")
        network.drop_database()
        network.prepare()
    if not network.seeded():
        log("seed: creating the network (once)")
        network.seed()


def audited() -> bool:
    return BookingService.objects.filter(booking__reference__startswith="HB-").exists()


@transaction.atomic
def add_audit_history() -> None:
    """What an audit reads, on the past bench bookings, in a few statements. Pseudo-random but
    fixed: every quantity is a hash of the booking's id."""
    started = time.perf_counter()
    now = timezone.now()
    with connection.cursor() as cursor:
        # Spread the bench cars over every model: five brands, AITO with the most.
        cursor.execute(
            """WITH models AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n,
                                      count(*) OVER () AS k FROM vehicles_vehiclemodel)
               UPDATE vehicles_vehicle v SET model_id = models.id
               FROM models, accounts_user u
               WHERE u.id = v.owner_id AND u.username LIKE 'bench%%'
                 AND models.n = v.id %% models.k""",
            [],
        )
        cursor.execute(
            """UPDATE bookings_booking SET
                   status = CASE WHEN (id * 7919) %% 100 < 7 THEN 'cancelled'
                                 WHEN (id * 7919) %% 100 < 12 THEN 'no_show'
                                 ELSE 'completed' END
               WHERE reference LIKE 'HB-%%' AND start < %s""",
            [now],
        )
        cursor.execute(
            """UPDATE bookings_booking SET
                   checked_in_at = start - interval '10 minutes',
                   started_at = start + ((id * 31) %% 50 - 10) * interval '1 minute',
                   actual_labour_minutes = 48 + (id * 17) %% 30,
                   ready_at = start + interval '75 minutes',
                   completed_at = start + interval '100 minutes'
               WHERE reference LIKE 'HB-%%' AND status = 'completed'""",
            [],
        )
        # The same statements as the full size's (bench/alliance.py), which seeds them itself.
        cursor.execute(alliance.SERVICE_LINES, {"service": network.SERVICE})
        cursor.execute(alliance.RECALL_LINES, {})
        cursor.execute(alliance.RATINGS, {})
    log(f"  audit history added in {time.perf_counter() - started:.1f} s")


def brand_admin() -> User:
    user, _ = User.objects.get_or_create(
        username=ADMIN, defaults={"password": UNUSABLE_PASSWORD_PREFIX}
    )
    BrandMembership.objects.get_or_create(user=user, brand=Brand.objects.get(code=BRAND))
    return user


def alliance_admin() -> User:
    user, _ = User.objects.get_or_create(
        username=ALLIANCE_ADMIN, defaults={"password": UNUSABLE_PASSWORD_PREFIX, "is_staff": True}
    )
    return user


def timed(call, runs: int = RUNS) -> tuple[float, float, set[int]]:
    call()  # warm-up: connection, caches, plans
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    p50, p95 = network.percentiles(times)
    return p50, p95, queries


def floor(statement: sql.Composable, params: dict) -> float:
    """p50 of the statement alone, its rows fetched, on a plain cursor."""

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()

    run()
    return machine.median_ms(run, RUNS)


def bench(
    client: Client,
    label: str,
    url: str,
    period: dict,
    floor_sql: sql.Composable,
    *,
    brand: str | None = BRAND,
    page: bool = False,
    floor_ms: float | None = None,
) -> float:
    """`brand=None`: the alliance admin's view of every brand. `page`: a dashboard page, asked
    with its form's custom period. `floor_ms`: the floor this run measured already for the same
    figures (a page beside its API). Returns the floor."""
    asked = {"brand": brand} if brand else {}
    chosen = {"brand": Brand.objects.get(code=brand).pk} if brand else {}
    form = {"period": "custom"} if page else {}

    def http() -> None:
        response = client.get(url, {**asked, **form, **period})
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.content!r}")

    p50, p95, queries = timed(http)
    base = floor_ms if floor_ms is not None else floor(floor_sql, {**chosen, **period})
    FIGURES[label.strip()] = {"p50": p50, "floor": base}
    log(
        f"{label:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   queries {sorted(queries)}   "
        f"floor {base:6.1f} ms   ratio {p50 / base:4.2f}"
    )
    return base


def bench_crews(client: Client, today: dt.date) -> None:
    """The brand's crews page over the 30 days ahead (its default) and 90: the certificates
    lapsing and the days each outlet's jobs could find no crew. No floor: the days are judged
    in Python, by crews.rules over the rosters, not by a statement."""
    for days in (30, 90):
        period = {"date_from": today, "date_to": today + dt.timedelta(days=days - 1)}

        def http(period: dict = period) -> None:
            response = client.get("/dashboard/crews/", {"brand": BRAND, **period})
            if response.status_code != 200:
                raise RuntimeError(f"crews page: {response.status_code}")

        p50, p95, queries = timed(http)
        log(
            f"  page /dashboard/crews/, {days} days ahead p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
            f"   queries {sorted(queries)}"
        )


def bench_opening_views(client: Client, alliance_client: Client, today: dt.date) -> None:
    """The dashboard's opening view (the last quarter of every outlet): each request figured
    when asked, then as the beat keeps it (audit.kept), beside the same floor, with the time
    the beat's refresh of every opening view took."""
    quarter = last_quarter(today=today)
    period = {"date_from": quarter.date_from, "date_to": quarter.date_to}
    requests = [
        (client, "outlet audit", "/api/v1/audit/outlets/", FLOOR_OUTLETS, BRAND, False),
        (client, "overview page", "/dashboard/", FLOOR_OUTLETS, BRAND, True),
        (client, "equity audit", "/api/v1/audit/equity/", FLOOR_EQUITY, BRAND, False),
        (client, "equity page", "/dashboard/equity/", FLOOR_EQUITY, BRAND, True),
        (
            alliance_client,
            "equity audit, every brand",
            "/api/v1/audit/equity/",
            FLOOR_EQUITY_EVERY_BRAND,
            None,
            False,
        ),
        (
            alliance_client,
            "equity page, every brand",
            "/dashboard/equity/",
            FLOOR_EQUITY_EVERY_BRAND,
            None,
            True,
        ),
    ]
    log(f"the last quarter ({quarter.date_from} … {quarter.date_to}), the dashboard's opening view")
    floors: dict[tuple[int, str | None], float] = {}
    for way in ("figured when asked", "kept"):
        if way == "kept":
            started = time.perf_counter()
            views = keep_opening_views()
            kept_by = timezone.now()
            log(
                f"  the beat's refresh: {views} views kept in {time.perf_counter() - started:.1f} s"
            )
            # Figured when asked, it would say a later time.
            asked = alliance_client.get("/api/v1/audit/equity/", period).json()
            if dt.datetime.fromisoformat(asked["computed_at"]) >= kept_by:
                raise RuntimeError("the every-brand equity audit was not answered as kept")
        for who, label, url, floor_sql, brand, page in requests:
            known = (id(floor_sql), brand)
            floors[known] = bench(
                who,
                f"  {label}, last quarter, {way}",
                url,
                period,
                floor_sql,
                brand=brand,
                page=page,
                floor_ms=floors.get(known),
            )


def settle_facts() -> None:
    """The audit's settled facts brought up to now (audit.settle), as the beat task keeps them:
    the whole history at first, then only what changed or ended since."""
    started = time.perf_counter()
    result = facts_settle()
    if result.settled:  # as manage.py audit_settle does
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_bookingfacts")
    log(
        f"audit facts: {result.settled:,} bookings settled in {result.steps} steps, "
        f"{time.perf_counter() - started:.1f} s (settled before {result.settled_before:%Y-%m-%d})"
    )


def main() -> None:
    log(f"database: {connection.settings_dict['NAME']}")
    ensure_network()
    log(machine.describe())
    if not audited():
        log("audit: adding outcomes, waits, labour, checklists and ratings (once)")
        add_audit_history()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    settle_facts()
    client = Client()
    client.force_login(brand_admin())
    alliance = Client()
    alliance.force_login(alliance_admin())
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    periods = {
        "30 days": {"date_from": today - 29 * day, "date_to": today},
        "90 days": {"date_from": today - 59 * day, "date_to": today + 30 * day},
        "last 90 days": {"date_from": today - 89 * day, "date_to": today},
    }
    for days, period in periods.items():
        in_period = client.get("/api/v1/audit/outlets/", {"brand": BRAND, **period}).json()
        log(
            f"{BRAND}, {days} ({period['date_from']} … {period['date_to']}): "
            f"{in_period['total']['bookings']:,} {BRAND} bookings at "
            f"{len(in_period['rows'])} outlets"
        )
        for url, label, floor_sql, page_url in (
            ("/api/v1/audit/outlets/", "outlet audit", FLOOR_OUTLETS, "/dashboard/"),
            ("/api/v1/audit/equity/", "equity audit", FLOOR_EQUITY, "/dashboard/equity/"),
        ):
            # Before the settled facts, in the same run: every booking computed live, the
            # watermark gone in a transaction rolled back at the end.
            with transaction.atomic():
                FactsWatermark.objects.all().delete()
                bench(client, f"  HTTP {label}, {days}, all live", url, period, floor_sql)
                transaction.set_rollback(True)
            base = bench(client, f"  HTTP {label}, {days}", url, period, floor_sql)
            # The dashboard's page of the same figures, beside the same floor.
            bench(
                client,
                f"  page {page_url}, {days}",
                page_url,
                period,
                floor_sql,
                page=True,
                floor_ms=base,
            )
        base = bench(
            alliance,
            f"  HTTP equity audit, every brand, {days}",
            "/api/v1/audit/equity/",
            period,
            FLOOR_EQUITY_EVERY_BRAND,
            brand=None,
        )
        bench(
            alliance,
            f"  page /dashboard/equity/, every brand, {days}",
            "/dashboard/equity/",
            period,
            FLOOR_EQUITY_EVERY_BRAND,
            brand=None,
            page=True,
            floor_ms=base,
        )
    bench_opening_views(client, alliance, today)
    bench_crews(client, today)
    log(machine.describe(", at the end"))
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(FIGURES, indent=1))


if __name__ == "__main__":
    main()
