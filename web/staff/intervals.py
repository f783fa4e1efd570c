"""A day's intervals as the manager pages write them: `08:30-12:00, 13:00-18:00`."""

from __future__ import annotations

import datetime as dt


def day_intervals(text: str) -> list[tuple[dt.time, dt.time]]:
    """Each `HH:MM-HH:MM` of the text (commas between them, a full-width comma or an en dash
    from a Chinese keyboard too) as (from, to); ValueError for anything else. Plain wall-clock
    times only: an offset (08:00+08:00) is refused, the outlet's zone decides."""
    intervals = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        first, second = (t.strip() for t in part.replace("–", "-").split("-"))
        intervals.append((_wall_time(first), _wall_time(second)))
    return intervals


def _wall_time(text: str) -> dt.time:
    return dt.datetime.strptime(text, "%H:%M").time()  # noqa: DTZ007 - a time of day, no zone
