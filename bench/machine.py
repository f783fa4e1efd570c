"""The machine a benchmark ran on, printed beside its figures.

Absolute times have moved by up to 2x between the machines this project is measured on, and
between the phases of one machine's day; the ratios within one run hold better. Two fixed
probes, timed at the start and at the end of a run, let the figures of different runs be set
side by side: a pure-Python loop (what a request's Python costs) and a PostgreSQL statement that
reads nothing from disk (what its SQL costs), with the server's shared_buffers (the full-size
bench databases are many times larger).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.db import connection

PYTHON_LOOP = 1_000_000
SQL_PROBE = "SELECT sum(g) FROM generate_series(1, 2000000) AS g"
ROUNDS = 5


def median_ms(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The median of `rounds` runs, in milliseconds (the probes', and bench/audit.py's floor)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _python_loop() -> int:
    total = 0
    for i in range(PYTHON_LOOP):
        total += i * i
    return total


def _sql_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute(SQL_PROBE)
        cursor.fetchall()


def describe(when: str = "") -> str:
    """One line: the CPUs, both probes' median of ROUNDS, shared_buffers."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
    return (
        f"machine{when}: {os.cpu_count()} cpus; probes (median of {ROUNDS}): Python loop "
        f"{median_ms(_python_loop):.0f} ms, PostgreSQL generate_series "
        f"{median_ms(_sql_probe):.0f} ms; shared_buffers {shared_buffers}"
    )
