"""Growth from the small size to the alliance's: `.venv/bin/python bench/growth.py`.

Runs bench/http.py and bench/audit.py at both sizes (BENCH_SIZE=small, then full: their own
databases, seeded on first use, bench/alliance.py for the full one), each writing its figures
to a JSON file (BENCH_JSON) in BENCH_GROWTH_DIR (default /tmp/bench-growth); a file already
there is reused, not measured again (delete it, or set BENCH_GROWTH_RERUN=1, to measure anew).
BENCH_GROWTH_BENCHES=http,audit chooses the benches; the benches' own variables pass through
(bench/http.py's modes default to BENCH_HTTP_MODES=production here, where its targets are
judged).

Prints, for every request of every bench: p50 at the small size, p50 at the full size, and the
growth (full / small), against the goal that no p50 grows by more than 1.5x; for the audit
also the SQL floor at both sizes and the ratio of the request to its floor at the full size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("BENCH_GROWTH_DIR", Path(tempfile.gettempdir(), "bench-growth")))
BENCHES = os.environ.get("BENCH_GROWTH_BENCHES", "http,audit").split(",")
SIZES = ("small", "full")
GOAL = 1.5


def log(message: str) -> None:
    print(message, flush=True)


def figures(bench: str, size: str) -> dict:
    """The bench's JSON at `size`, measured now unless already there."""
    path = OUT / f"{bench}-{size}.json"
    if not path.exists() or os.environ.get("BENCH_GROWTH_RERUN"):
        env = {
            **os.environ,
            "BENCH_SIZE": size,
            "BENCH_JSON": str(path),
            "BENCH_HTTP_MODES": os.environ.get("BENCH_HTTP_MODES", "production"),
        }
        log(f"\n=== bench/{bench}.py, BENCH_SIZE={size} ===")
        # A failed target does not stop the comparison: the figures were written all the same.
        subprocess.run([sys.executable, str(BASE_DIR / "bench" / f"{bench}.py")], env=env)
        if not path.exists():
            raise SystemExit(f"bench/{bench}.py at {size} size wrote no figures.")
    return json.loads(path.read_text())


def verdict(growth: float) -> str:
    return f"<= {GOAL}x {'met' if growth <= GOAL else 'MISSED'}"


def http_table(small: dict, full: dict) -> None:
    for mode in small.keys() & full.keys():
        log(f"\nbench/http.py, {mode}")
        log(f"{'request':<40} {'p50 small':>10} {'p50 full':>10} {'growth':>7}  goal")
        for label, row in small[mode].items():
            if label in full[mode]:
                big = full[mode][label]["p50"]
                growth = big / row["p50"]
                log(
                    f"{label:<40} {row['p50']:8.1f}ms {big:8.1f}ms {growth:6.2f}x  "
                    f"{verdict(growth)}"
                )


def audit_table(small: dict, full: dict) -> None:
    log("\nbench/audit.py (ms)")
    log(
        f"{'request':<40} {'p50 small':>10} {'p50 full':>10} {'growth':>7} "
        f"{'floor small':>12} {'floor full':>11} {'full/floor':>10}  goal"
    )
    for label, row in small.items():
        if label in full:
            big = full[label]
            growth = big["p50"] / row["p50"]
            log(
                f"{label:<40} {row['p50']:10.1f} {big['p50']:10.1f} {growth:6.2f}x "
                f"{row['floor']:12.1f} {big['floor']:11.1f} {big['p50'] / big['floor']:9.2f}x  "
                f"{verdict(growth)}"
            )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    measured = {bench: {size: figures(bench, size) for size in SIZES} for bench in BENCHES}
    log(f"\ngrowth from the small size to the full one (figures in {OUT})")
    if "http" in measured:
        http_table(measured["http"]["small"], measured["http"]["full"])
    if "audit" in measured:
        audit_table(measured["audit"]["small"], measured["audit"]["full"])


if __name__ == "__main__":
    main()
