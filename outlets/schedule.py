"""Opening intervals as real instants: the primitives that make DST days come out right.

Everything is computed in UTC. Python's `aware + timedelta` is wall-clock arithmetic for zoneinfo
zones (02:00 + 1 h on a spring-forward night gives a time that does not exist), so starts are
stepped in real minutes from the interval's opening instant and only turned back into the
outlet's zone for display. A start in the skipped hour can then never appear, and each real
instant of a repeated hour appears exactly once, with its own offset.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

UTC = dt.UTC


def wall_to_instant(day: dt.date, at: dt.time, zone: ZoneInfo, *, fold: int = 0) -> dt.datetime:
    """The UTC instant of a local wall time; `fold` picks the side of an ambiguous hour."""
    return dt.datetime.combine(day, at, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def day_intervals(
    day: dt.date, hours: Iterable[tuple[dt.time, dt.time]], zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's opening intervals as UTC (open, close) pairs, earliest first.

    Opening uses the first occurrence of an ambiguous wall time and closing the second, so a
    fall-back night keeps its longer real length; a wall time in a skipped hour maps, as
    Python does, to the instant one hour later (open) or earlier (close): never a wider interval.
    """
    return list(_day_intervals(day, tuple(sorted(hours)), zone))


# Remembered: a network's outlets and technicians keep a handful of hours, and a month of every
# outlet's is read at once (the crews audit, the network's availability), where converting the
# same wall times to instants again, technician by technician, was most of the time. Pure: the
# same day, hours and zone always give the same instants.
@functools.lru_cache(maxsize=8192)
def _day_intervals(
    day: dt.date, hours: tuple[tuple[dt.time, dt.time], ...], zone: ZoneInfo
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    intervals = []
    for opens, closes in hours:
        start = wall_to_instant(day, opens, zone, fold=0)
        end = wall_to_instant(day, closes, zone, fold=1)
        if end > start:
            intervals.append((start, end))
    return tuple(intervals)


@functools.lru_cache(maxsize=4096)
def keeps_offset(day: dt.date, zone: ZoneInfo) -> bool:
    """Whether the zone's clocks keep one UTC offset from the day's midnight to the next (no
    zone changes them twice in a day): then every wall time of the day is the same distance from
    its instant, and two such days of one weekday hold the same intervals, one shifted by whole
    days from the other. False on a day the clocks change, or that begins in a skipped hour."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.utcoffset() == end.utcoffset()


def interval_starts(
    opens: dt.datetime, closes: dt.datetime, *, duration: dt.timedelta, step: dt.timedelta
) -> Iterator[dt.datetime]:
    """Starts on the slot step counted from the opening whose whole duration fits the interval."""
    start = opens
    while start + duration <= closes:
        yield start
        start += step


def days_between(date_from: dt.date, date_to: dt.date) -> Iterator[dt.date]:
    """Every date from date_from to date_to, both included. Counted by index, never by stepping
    past the last day, so a range ending on 9999-12-31 does not overflow."""
    for n in range((date_to - date_from).days + 1):
        yield date_from + dt.timedelta(days=n)
