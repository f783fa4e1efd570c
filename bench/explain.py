"""The plans of the hot queries: `.venv/bin/python bench/explain.py [--out FILE]`.

Runs on the availability benchmark's network (bench/availability.py's database and seeding;
`BENCH_SIZE=full` for the alliance's size, bench/alliance.py) with bench/audit.py's history.
Makes, in-process, each request a real user makes on the hot paths, and captures the SQL each
one runs:

- a signed-in owner's outlet-week at the busy outlet for their car, answered from the brand's
  cached answer (the car's own bookings read live), then computed (cache off);
- that owner's network search near Shanghai, computed;
- that owner's booking create (in a transaction rolled back afterwards);
- the brand admin's quarter (AITO, every outlet): the outlet figures and the equity view;
- the same over bench/audit.py's 90 days of which 30 are ahead, whose bookings since the audit's
  watermark (the month ahead, mostly) are computed live.

Each distinct statement that reads a table is then run again under `EXPLAIN (ANALYZE,
BUFFERS)` (inside a transaction rolled back: the create's locking reads lock nothing for
long); writes are shown with a plain `EXPLAIN`. Prints Markdown: per request, each statement's
first line, its time and its plan; `--out` writes it to a file as well (docs/performance.md
quotes the full-size run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where bench/http.py would shadow
# the standard library's `http` (Django imports it): the repository root replaces the folder.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

# bench/audit.py first: it imports bench/availability.py, which points Django at the bench
# database and sets it up.
from bench import audit as audit_bench  # noqa: E402

# isort: split
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from audit.periods import last_quarter  # noqa: E402
from bench import availability as network  # noqa: E402
from bench.http import FIRST_FREE_OWNER, verified_owners  # noqa: E402
from hima_service.cache import database_namespace  # noqa: E402
from vehicles.models import Vehicle  # noqa: E402

READS_A_TABLE = re.compile(r"\bFROM\b", re.IGNORECASE)
LITERALS = re.compile(r"'[^']*'|\b\d+(\.\d+)?\b")


def shape(statement: str) -> str:
    """The statement with its literals blanked: the same query for another id is no news."""
    return LITERALS.sub("?", statement)


def captured(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [query["sql"] for query in queries.captured_queries]


def plan(statement: str) -> tuple[str, str]:
    """(how it was explained, the plan) of one statement, in a transaction rolled back."""
    reads = statement.lstrip().upper().startswith(("SELECT", "WITH"))
    options = "ANALYZE, BUFFERS" if reads else "COSTS"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("EXPLAIN ({options}) {statement}").format(
                options=sql.SQL(options), statement=sql.SQL(statement)
            )
        )
        lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return options, "\n".join(lines)


def first_line(statement: str, width: int = 150) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def requests() -> dict[str, object]:
    """Each hot request, as a callable that makes it."""
    vehicle = Vehicle.objects.select_related("owner").get(
        owner__username=f"bench{FIRST_FREE_OWNER}"
    )
    verified_owners({vehicle.owner_id: vehicle.pk})
    owner = APIClient()
    owner.force_authenticate(vehicle.owner)
    admin = APIClient()
    admin.force_authenticate(audit_bench.brand_admin())
    today = timezone.localdate()
    week = {
        "service": network.SERVICE,
        "vehicle": vehicle.pk,
        "date_from": today,
        "date_to": today + dt.timedelta(days=6),
    }
    near = {"near": "31.23,121.47", "service": network.SERVICE, "vehicle": vehicle.pk}
    quarter = last_quarter(today=today)
    period = {"brand": audit_bench.BRAND, "date_from": quarter.date_from,
              "date_to": quarter.date_to}  # fmt: skip
    ahead = {"brand": audit_bench.BRAND, "date_from": today - dt.timedelta(days=59),
             "date_to": today + dt.timedelta(days=30)}  # fmt: skip
    busy = f"/api/v1/outlets/{network.BUSY}/availability/"
    starts = owner.get(busy, {**week, "date_from": today + dt.timedelta(days=3)}).json()

    def ok(response) -> None:
        if response.status_code >= 400:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")

    def computed(call):
        def run() -> None:
            previous = settings.AVAILABILITY_CACHE_SECONDS
            settings.AVAILABILITY_CACHE_SECONDS = 0
            try:
                call()
            finally:
                settings.AVAILABILITY_CACHE_SECONDS = previous

        return run

    def create() -> None:
        start = next(s for day in starts["days"] for s in day["starts"])
        with transaction.atomic():
            ok(
                owner.post(
                    "/api/v1/bookings/",
                    {
                        "vehicle": vehicle.pk,
                        "outlet": network.BUSY,
                        "start": start,
                        "services": [network.SERVICE],
                        "mode": "drop_off",
                    },  # fmt: skip
                    format="json",
                )
            )
            transaction.set_rollback(True)

    owner.get(busy, week)  # the brand's answer, cached for the first request below
    return {
        "owner's outlet-week, from the brand's cached answer": lambda: ok(owner.get(busy, week)),
        "owner's outlet-week, computed": computed(lambda: ok(owner.get(busy, week))),
        "owner's network search, computed": computed(
            lambda: ok(owner.get("/api/v1/availability/", near))
        ),
        "owner's booking create": create,
        "brand admin's quarter (outlets)": lambda: ok(admin.get("/api/v1/audit/outlets/", period)),
        "brand admin's quarter (equity)": lambda: ok(admin.get("/api/v1/audit/equity/", period)),
        "brand admin's 90 days, 30 ahead (outlets)": lambda: ok(
            admin.get("/api/v1/audit/outlets/", ahead)
        ),
        "brand admin's 90 days, 30 ahead (equity)": lambda: ok(
            admin.get("/api/v1/audit/equity/", ahead)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    audit_bench.ensure_network()
    database = connection.settings_dict["NAME"]
    when = f"{timezone.now():%Y-%m-%d %H:%M} UTC"
    lines = [f"Plans on `{database}` ({database_namespace()}), {when}.", ""]
    seen: set[str] = set()
    for label, call in requests().items():
        call()  # warm: connections, caches, prepared statements
        statements = captured(call)
        lines += [f"### {label}", "", f"{len(statements)} statements.", ""]
        for statement in statements:
            # The audit's statements are never prepared: each is planned for its own period
            # (hima_service.plans.unprepared), so another period is another plan, and news.
            key = statement if label.startswith("brand admin's") else shape(statement)
            if not READS_A_TABLE.search(statement) or key in seen:
                continue
            seen.add(key)
            options, text = plan(statement)
            lines += [f"`{first_line(statement)}`", "", f"EXPLAIN ({options}):", "", "```"]
            lines += [text, "```", ""]
    output = "\n".join(lines)
    print(output)
    if args.out:
        args.out.write_text(output + "\n")


if __name__ == "__main__":
    main()
