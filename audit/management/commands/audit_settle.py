"""`manage.py audit_settle`: settle every audit fact that is due now, in one go (after loading
history, or to have a first deploy's backfill done before the audit is opened), with the counts
and the time it took."""

from __future__ import annotations

from time import perf_counter

from django.core.management.base import BaseCommand
from django.db import connection

from audit.settle import facts_settle


class Command(BaseCommand):
    help = "Settle the audit's facts up to a day ago, and every stale one; prints the counts."

    def handle(self, *args, **options) -> None:
        started = perf_counter()
        result = facts_settle()
        if result.settled:
            # Statistics now, not when autovacuum gets round to it: a first backfill adds
            # millions of rows, and until then the audit's plans assume a small table.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE audit_bookingfacts")
        seconds = perf_counter() - started
        if result.settled_before is None:
            self.stdout.write("Nothing done: another run is settling.")
            return
        self.stdout.write(
            f"{result.settled:,} bookings settled in {result.steps} steps, {seconds:.1f} s; "
            f"settled before {result.settled_before:%Y-%m-%d %H:%M} UTC; "
            f"{result.left_open} left to read live (estimates still open)."
        )
