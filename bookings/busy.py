"""When something is busy, as sorted intervals that answer "does [s, e) overlap anything?" with
one bisection: a bay, a vehicle or a technician, for the engine and the reservation."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, FloatField, Func


@dataclass
class Busy:
    """Busy intervals sorted by start, with a running max of ends. Instants are epoch seconds:
    PostgreSQL sends them as float8, which loads many times faster than timestamptz, one
    datetime object per instant (bench/availability.py)."""

    starts: list[float] = field(default_factory=list)
    ends_max: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, intervals: Iterable[tuple[float, float]]) -> Busy:
        busy = cls()
        for start, end in sorted(intervals):
            busy.starts.append(start)
            busy.ends_max.append(max(end, busy.ends_max[-1]) if busy.ends_max else end)
        return busy

    def overlaps(self, start: float, end: float) -> bool:
        # Half-open ranges, like the constraints' tstzrange(start, end, '[)').
        i = bisect_left(self.starts, end)
        return i > 0 and self.ends_max[i - 1] > start


def epoch(column: str) -> Func:
    """A timestamptz column read as epoch seconds (float8)."""
    return Func(
        F(column), template="EXTRACT(EPOCH FROM %(expressions)s)::float8", output_field=FloatField()
    )
