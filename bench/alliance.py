"""The alliance's size for the benches: `BENCH_SIZE=full` (default `small`).

Not run by itself: bench/availability.py reads the flag (and so bench/http.py and bench/audit.py,
which seed through it). At `full` they work in a database of their own, their usual name +
`_full` (`hima_bench_full`, `hima_bench_http_full`), so the small one stays, and seed the
alliance: 1,200 outlets with 6 bays each (the busy one keeps its 20) and a technician per bay,
2,000,000 vehicles each with an owner of its own, 10,000,000 bookings from 3 years back to 60
days ahead. BENCH_SCALE (default 1) multiplies outlets, vehicles and bookings, not the days, to
validate at a fraction of the size (the database then gets `_full_0_1` for 0.1, and so on).

The outlets, bays and crews come from bench/availability.py's own seeding; `load` adds the rest
in SQL (`INSERT … SELECT … FROM generate_series`: rows never leave PostgreSQL), in one
transaction, with the tables' indexes, unique, exclusion and foreign-key constraints dropped
first and re-created from their saved definitions afterwards (maintaining eleven indexes row by
row is what makes a bulk load slow; building each once is minutes), then VACUUM ANALYZE. It
prints each phase's time.

The bookings: every hour of the opening hours is an instant (9 a day). The busy outlet's bays
are taken as in the small seed (85 %, its vehicles the lowest-numbered, so `bench7` is booked
solid); the rest of the bookings are spread evenly over the instants, each instant's over
distinct bays (a stride coprime with their number) and distinct vehicles (consecutive ones, from
the 10,000th: every car comes back about every eight months, and the owners below 10,000 that
bench/http.py books with are never booked). One-hour bookings on the hour never overlap, so the
exclusion constraints hold for the active ones (checked when they are re-created) and the others
do not overlap either. Past bookings carry outcomes as bench/audit.py gives the small seed's (88 %
completed with waits, labour times, checklists and ratings, 5 % no-shows, 7 % cancellations, the
same rules, on a hash of each booking), future ones are confirmed; every booking has its service
line, as there.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time

from django.db import connection, transaction
from psycopg import sql

SIZE = os.environ.get("BENCH_SIZE", "small")
if SIZE not in {"small", "full"}:
    raise SystemExit(f"BENCH_SIZE is small or full, not {SIZE!r}.")
FULL = SIZE == "full"
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
OUTLETS = round(1200 * SCALE)
VEHICLES = round(2_000_000 * SCALE)
BOOKINGS = round(10_000_000 * SCALE)
DAYS_BACK, DAYS_AHEAD = 3 * 365, 60
BUSY_FILL = 0.85
# Vehicles below this one are only booked at the busy outlet (0–19), as in the small seed.
FIRST_SPREAD_VEHICLE = 10_000
ZONE = "Asia/Shanghai"  # the bench outlets' (their default time zone)
# The VIN bench/availability.py gives vehicle n: "LM8AB2C3" + check digit + "R" + 7 digits
# (900000 + n). The check digit's sum over the 8 characters before it and the "R" after it
# (ISO 3779 values times weights); the 7 digits' weights follow.
VIN_FIXED_SUM = 3 * 8 + 4 * 7 + 8 * 6 + 1 * 5 + 2 * 4 + 2 * 3 + 3 * 2 + 3 * 10 + 9 * 9
VIN_DIGIT_WEIGHTS = (8, 7, 6, 5, 4, 3, 2)


def suffix() -> str:
    """What the size adds to a bench database's name."""
    if not FULL:
        return ""
    return "_full" if SCALE == 1 else f"_full_{SCALE:g}".replace(".", "_")


def log(message: str) -> None:
    print(message, flush=True)


class Phases:
    """Times each phase and prints it as it ends."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        log(f"    {what:<58} {now - self.last:7.1f} s")
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def run(statement: sql.Composable, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def rows(statement: sql.Composable, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def columns(table: str, leave_out: set[str]) -> list[str]:
    return [
        name
        for (name,) in rows(
            sql.SQL(
                "SELECT attname FROM pg_attribute WHERE attrelid = {}::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum"
            ).format(sql.Literal(table))
        )
        if name not in leave_out
    ]


class Unindexed:
    """A table stripped for a bulk load: its indexes other than the primary key, its unique,
    exclusion and foreign-key constraints, and its own triggers. `restore` re-creates them from
    the definitions PostgreSQL gave before they were dropped (so they are exactly the
    migrations'), which checks every row against them."""

    def __init__(self, table: str, phases: Phases) -> None:
        self.table, self.phases = table, phases
        oid = sql.Literal(table)
        self.constraints = rows(
            sql.SQL(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = {}::regclass AND contype IN ('u', 'x', 'f') "
                "ORDER BY contype, conname"
            ).format(oid)
        )
        self.indexes = rows(
            sql.SQL(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = {}::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.conrelid = i.indrelid) ORDER BY c.relname"
            ).format(oid)
        )
        name = sql.Identifier(table)
        for constraint, _ in self.constraints:
            drop = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
            run(drop.format(name, sql.Identifier(constraint)))
        for index, _ in self.indexes:
            run(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
        run(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(name))

    def restore(self) -> None:
        name = sql.Identifier(self.table)
        for _, definition in self.indexes:
            run(sql.SQL(definition))  # from pg_get_indexdef: a CREATE INDEX statement
        # Unique and exclusion constraints first: their indexes serve the checks that follow.
        for constraint, definition in self.constraints:
            run(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    name, sql.Identifier(constraint), sql.SQL(definition)
                )
            )
        run(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(name))
        self.phases.done(
            f"{self.table}: {len(self.indexes)} indexes, {len(self.constraints)} constraints"
        )


def vin_sql(n: sql.Composable) -> sql.Composable:
    """bench/availability.py's VIN of vehicle `n` (make_vin's), in SQL."""
    serial = sql.SQL("lpad((900000 + {})::text, 7, '0')").format(n)
    weighted = sql.SQL(" + ").join(
        sql.SQL("substr({}, {}, 1)::int * {}").format(serial, sql.Literal(k + 1), sql.Literal(w))
        for k, w in enumerate(VIN_DIGIT_WEIGHTS)
    )
    check = sql.SQL("(({} + {}) % 11)").format(sql.Literal(VIN_FIXED_SUM), weighted)
    return sql.SQL(
        "'LM8AB2C3' || CASE WHEN {check} = 10 THEN 'X' ELSE {check}::text END || 'R' || {serial}"
    ).format(check=check, serial=serial)


def coprime_stride(count: int) -> int:
    """A stride that visits every one of `count` bays before repeating, far from 1 so that
    neighbouring bookings of an instant land at different outlets."""
    stride = max(7, count // 3 + 1)
    while math.gcd(stride, count) != 1:
        stride += 1
    return stride


def add_owners_and_vehicles(first: int, phases: Phases) -> None:
    """Vehicles `first`… up to VEHICLES, each with its own owner `bench<n>`: copies of
    `bench0` and its car but for the name, the VIN and the model (spread over every model,
    as bench/audit.py spreads the small seed's)."""
    models = sql.SQL("(SELECT array_agg(id ORDER BY id) FROM vehicles_vehiclemodel)")
    model_of = sql.SQL("{models}[1 + {n} % cardinality({models})]")
    users = Unindexed("accounts_user", phases)
    user_columns = columns("accounts_user", {"id", "username"})
    added = run(
        sql.SQL(
            "INSERT INTO accounts_user ({cols}, username) SELECT {tcols}, 'bench' || n "
            "FROM accounts_user t, generate_series({first}, {last}) n WHERE t.username = 'bench0'"
        ).format(
            cols=sql.SQL(", ").join(map(sql.Identifier, user_columns)),
            tcols=sql.SQL(", ").join(sql.Identifier("t", c) for c in user_columns),
            first=sql.Literal(first),
            last=sql.Literal(VEHICLES - 1),
        )
    )
    phases.done(f"{added:,} owners inserted")
    users.restore()
    vehicles = Unindexed("vehicles_vehicle", phases)
    vehicle_columns = columns("vehicles_vehicle", {"id", "owner_id", "vin", "model_id"})
    n = sql.SQL("substr(u.username, 6)::int")
    added = run(
        sql.SQL(
            "INSERT INTO vehicles_vehicle ({cols}, owner_id, vin, model_id) "
            "SELECT {tcols}, u.id, {vin}, {model} "
            "FROM vehicles_vehicle t JOIN accounts_user tu ON tu.id = t.owner_id "
            "AND tu.username = 'bench0', accounts_user u "
            "WHERE u.username ~ '^bench[0-9]+$' AND {n} >= {first}"
        ).format(
            cols=sql.SQL(", ").join(map(sql.Identifier, vehicle_columns)),
            tcols=sql.SQL(", ").join(sql.Identifier("t", c) for c in vehicle_columns),
            vin=vin_sql(n),
            model=model_of.format(models=models, n=n),
            n=n,
            first=sql.Literal(first),
        )
    )
    # The seeded ones (below `first`) get their model the same way.
    run(
        sql.SQL(
            "UPDATE vehicles_vehicle v SET model_id = {model} FROM accounts_user u "
            "WHERE u.id = v.owner_id AND u.username ~ '^bench[0-9]+$' AND {n} < {first}"
        ).format(model=model_of.format(models=models, n=n), n=n, first=sql.Literal(first))
    )
    phases.done(f"{added:,} vehicles inserted")
    vehicles.restore()
    wrong = rows(
        sql.SQL(
            "SELECT count(*) FROM vehicles_vehicle v JOIN accounts_user u ON u.id = v.owner_id "
            "WHERE u.username ~ '^bench[0-9]+$' AND {n} < {first} AND v.vin <> {vin}"
        ).format(n=n, first=sql.Literal(first), vin=vin_sql(n))
    )[0][0]
    if wrong:  # the SQL check digit is make_vin's: the ORM-seeded VINs say so
        raise RuntimeError(f"{wrong} VINs computed in SQL differ from make_vin's.")
    run(
        sql.SQL(
            "CREATE TEMP TABLE bench_fleet ON COMMIT DROP AS "
            "SELECT {n} AS n, v.id AS vehicle_id, v.owner_id, m.brand_id FROM vehicles_vehicle v "
            "JOIN vehicles_vehiclemodel m ON m.id = v.model_id "
            "JOIN accounts_user u ON u.id = v.owner_id WHERE u.username ~ '^bench[0-9]+$'"
        ).format(n=n)
    )
    run(sql.SQL("CREATE UNIQUE INDEX ON bench_fleet (n)"))
    run(sql.SQL("ANALYZE bench_fleet"))
    phases.done("fleet map (vehicle number → vehicle, owner)")


BOOKING_INSERT = sql.SQL("""
INSERT INTO bookings_booking (
    reference, owner_id, vehicle_id, brand_id, outlet_id, bay_id, start, "end", bay_released_at,
    mode, pickup_address, channel, notes, status, price_total, cancel_reason, holds_recalls,
    created_at, updated_at, crew, checked_in_at, started_at, actual_labour_minutes, ready_at,
    completed_at)
SELECT g.reference, f.owner_id, f.vehicle_id, f.brand_id, s.outlet_id, s.bay_id, g.start,
       g.start + interval '1 hour', g.start + interval '1 hour', 'drop_off', '', 'online', '',
       g.status, 0, '', false, %(now)s, %(now)s, ARRAY[s.tech_id],
       CASE WHEN g.status = 'completed' THEN g.start - interval '10 minutes' END,
       CASE WHEN g.status = 'completed'
            THEN g.start + ((g.m / 100) %% 50 - 10) * interval '1 minute' END,
       CASE WHEN g.status = 'completed' THEN 48 + (g.m / 5000) %% 30 END,
       CASE WHEN g.status = 'completed' THEN g.start + interval '75 minutes' END,
       CASE WHEN g.status = 'completed' THEN g.start + interval '100 minutes' END
FROM (
    SELECT c.*, CASE WHEN c.start >= %(now)s THEN 'confirmed'
                     WHEN c.m %% 100 < 7 THEN 'cancelled'
                     WHEN c.m %% 100 < 12 THEN 'no_show'
                     ELSE 'completed' END AS status
    FROM (
        SELECT x.*, abs(hashint8(x.h)::bigint) AS m,
               ((%(first_day)s::date + (x.t / %(per_day)s)::int)::timestamp
                     + (%(hours)s::int[])[1 + x.t %% %(per_day)s] * interval '1 hour')
                    AT TIME ZONE %(zone)s AS start
        FROM ({candidates}) x
    ) c
) g
JOIN bench_slots s ON s.j = g.j
JOIN bench_fleet f ON f.n = g.vehicle
""")
# The busy outlet: each of its bays taken at 85 % of the instants (a hash of the two), by the
# lowest-numbered vehicles, in bay order.
BUSY_CANDIDATES = sql.SQL("""
SELECT 'HB-B' || lpad(h::text, 8, '0') AS reference, h, t, j, vehicle FROM (
    SELECT t * 100 + b AS h, t, b AS j, row_number() OVER (PARTITION BY t ORDER BY b) - 1 AS vehicle
    FROM generate_series(0::bigint, %(instants)s - 1) t, generate_series(0, %(busy_bays)s - 1) b
    WHERE abs(hashint8(t * 100 + b)::bigint) %% 100 < %(busy_percent)s
) busy""")
# The others: `per_instant` at every instant, over distinct bays and consecutive vehicles.
SPREAD_CANDIDATES = sql.SQL("""
SELECT 'HB-' || lpad(i::text, 9, '0') AS reference, i AS h, i / %(per_instant)s AS t,
       %(busy_bays)s + ((i %% %(per_instant)s) * %(stride)s + (i / %(per_instant)s) * 7)
           %% %(spread_bays)s AS j,
       %(first_vehicle)s + i %% (%(vehicles)s - %(first_vehicle)s) AS vehicle
FROM generate_series(0::bigint, %(spread)s - 1) i""")

# Service lines, recall lines and ratings, for both sizes (bench/audit.py adds them to the small
# seed's past bookings).
SERVICE_LINES = sql.SQL("""
INSERT INTO bookings_bookingservice
    (booking_id, service_type_id, labour_minutes, price, checklist_result)
SELECT b.id, st.id, 60, 0,
       CASE WHEN b.status <> 'completed' THEN '[]'::jsonb
            ELSE jsonb_build_array(
                jsonb_build_object('item', 'Inspect', 'done', true),
                jsonb_build_object('item', 'Test', 'done', (b.id * 13) %% 50 <> 0),
                jsonb_build_object('item', 'Record', 'done', true)) END
FROM bookings_booking b, outlets_servicetype st
WHERE b.reference LIKE 'HB-%%' AND st.code = %(service)s""")
RECALL_LINES = sql.SQL("""
INSERT INTO bookings_bookingservice
    (booking_id, service_type_id, labour_minutes, price, checklist_result)
SELECT b.id, st.id, st.labour_minutes, 0, '[{"item": "Confirm the VIN", "done": true}]'::jsonb
FROM bookings_booking b, outlets_servicetype st
WHERE b.reference LIKE 'HB-%%' AND b.status = 'completed'
  AND (b.id * 101) %% 50 = 0 AND st.code = 'rcl-campaign'""")
RATINGS = sql.SQL("""
INSERT INTO bookings_feedback (booking_id, rating, comment, created_at)
SELECT id, CASE WHEN (id * 43) %% 20 < 11 THEN 5 WHEN (id * 43) %% 20 < 16 THEN 4
                WHEN (id * 43) %% 20 < 18 THEN 3 ELSE 1 + (id %% 2) END,
       '', completed_at
FROM bookings_booking
WHERE reference LIKE 'HB-%%' AND status = 'completed' AND (id * 61) %% 10 < 6""")


def add_bookings(
    *,
    bays: list[tuple[int, int, int]],
    busy_bays: int,
    hours: list[int],
    service: str,
    now: dt.datetime,
    phases: Phases,
) -> None:
    """BOOKINGS bookings over `bays` ((bay, outlet, technician), the busy outlet's
    `busy_bays` first)."""
    run(
        sql.SQL(
            "CREATE TEMP TABLE bench_slots ON COMMIT DROP AS SELECT (o - 1)::int AS j, bay_id, "
            "outlet_id, tech_id::int FROM unnest(%(bay)s::bigint[], %(outlet)s::bigint[], "
            "%(tech)s::bigint[]) WITH ORDINALITY AS s(bay_id, outlet_id, tech_id, o)"
        ),
        {"bay": [b[0] for b in bays], "outlet": [b[1] for b in bays], "tech": [b[2] for b in bays]},
    )
    run(sql.SQL("CREATE UNIQUE INDEX ON bench_slots (j)"))
    run(sql.SQL("ANALYZE bench_slots"))
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    instants = (DAYS_BACK + DAYS_AHEAD) * len(hours)
    busy_expected = round(instants * busy_bays * BUSY_FILL)
    spread_bays = len(bays) - busy_bays
    per_instant = max(0, BOOKINGS - busy_expected) // instants
    if per_instant >= spread_bays or per_instant >= VEHICLES - FIRST_SPREAD_VEHICLE:
        raise SystemExit(f"{per_instant} bookings an instant: too few bays or vehicles.")
    params = {
        "now": now,
        "first_day": today - dt.timedelta(days=DAYS_BACK),
        "per_day": len(hours),
        "hours": hours,
        "zone": ZONE,
        "instants": instants,
        "busy_bays": busy_bays,
        "busy_percent": round(BUSY_FILL * 100),
        "per_instant": max(per_instant, 1),
        "stride": coprime_stride(spread_bays),
        "spread_bays": spread_bays,
        "first_vehicle": FIRST_SPREAD_VEHICLE,
        "vehicles": VEHICLES,
        "spread": per_instant * instants,
    }
    bookings = Unindexed("bookings_booking", phases)
    added = run(BOOKING_INSERT.format(candidates=BUSY_CANDIDATES), params)
    phases.done(f"{added:,} bookings at the busy outlet inserted")
    added = run(BOOKING_INSERT.format(candidates=SPREAD_CANDIDATES), params)
    phases.done(f"{added:,} bookings over the other outlets inserted")
    bookings.restore()
    # What the disabled trigger would have done row by row: the outlets' answers are dated.
    run(
        sql.SQL(
            "INSERT INTO outlets_outletversion (outlet_id, shard, version) "
            "SELECT DISTINCT outlet_id, 0, 1 FROM bench_slots "
            "ON CONFLICT (outlet_id, shard) "
            "DO UPDATE SET version = outlets_outletversion.version + 1"
        )
    )
    lines = Unindexed("bookings_bookingservice", phases)
    added = run(SERVICE_LINES, {"service": service})
    added += run(RECALL_LINES, {})
    phases.done(f"{added:,} service lines inserted")
    lines.restore()
    ratings = Unindexed("bookings_feedback", phases)
    added = run(RATINGS, {})
    phases.done(f"{added:,} ratings inserted")
    ratings.restore()


def load(
    *,
    bays: list[tuple[int, int, int]],
    busy_bays: int,
    seeded_vehicles: int,
    hours: list[int],
    service: str,
    now: dt.datetime,
) -> None:
    """The full size's owners, vehicles and bookings (see the module's docstring), on top of
    bench/availability.py's outlets, bays, crews and its `seeded_vehicles` owners and cars."""
    phases = Phases()
    log(
        f"  alliance size (scale {SCALE:g}): {VEHICLES:,} vehicles, about {BOOKINGS:,} bookings "
        f"over {len(bays):,} bays, {DAYS_BACK} days back to {DAYS_AHEAD} ahead"
    )
    with transaction.atomic():
        run(sql.SQL("SET LOCAL maintenance_work_mem = '1GB'"))
        run(sql.SQL("SET LOCAL work_mem = '256MB'"))
        run(sql.SQL("SET LOCAL synchronous_commit = off"))
        add_owners_and_vehicles(seeded_vehicles, phases)
        add_bookings(
            bays=bays, busy_bays=busy_bays, hours=hours, service=service, now=now, phases=phases
        )
    phases.done("commit")
    # VACUUM ANALYZE, as the small seed: the planner's statistics and the visibility map.
    run(sql.SQL("VACUUM ANALYZE"))
    phases.done("VACUUM ANALYZE")
    (size,) = rows(sql.SQL("SELECT pg_size_pretty(pg_database_size(current_database()))"))[0]
    (count,) = rows(sql.SQL("SELECT count(*) FROM bookings_booking"))[0]
    log(f"  alliance loaded in {phases.total():.1f} s: {count:,} bookings, database {size}")
