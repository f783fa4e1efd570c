"""Cached availability answers, for callers who ask without a vehicle.

Such an answer depends on the question (query string and language), the clock and the calendars
of the outlets behind it, nothing of the caller. It is kept for AVAILABILITY_CACHE_SECONDS with
the versions of its outlets (outlets.versions, counted by the database in the same transaction
as every write), read in the same snapshot as their calendars, and given only while every
version is unchanged: after any booking written at such an outlet, or its hours, closures or
bays edited, the next ask computes afresh. The clock is applied on the way out: a
start that has come within the lead time since is dropped, and an answer whose dates or
earliest starts have moved on is computed again.

What a cached answer can miss, for at most AVAILABILITY_CACHE_SECONDS: a change to the catalog
(service types, brands) and, in the network search, a nearer outlet whose first free start has
just appeared. It never offers a start a booking has taken, and booking create decides anyway.

An owner asking for their car (`vehicle=`) gets the answer to the same question asked for the
car's brand, less the starts the car's own bookings overlap: a vehicle changes nothing else in
the engine (its brand decides the authorization, its bookings only take starts away). So the
owner's ask shares the brand's cached answer, and reads only the car's own bookings, live. In
the network search, an outlet whose earliest start the car's own bookings overlap has another
earliest start for this car, which the brand's answer does not hold: that ask is computed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import get_language
from rest_framework.request import Request

from outlets.versions import outlet_versions

from ..busy import Busy
from .rules import LEAD_TIME

Question = Mapping[str, Sequence[str]]


def caching() -> bool:
    return settings.AVAILABILITY_CACHE_SECONDS > 0


def asked(request: Request) -> dict[str, list[str]]:
    """The question as the caller put it: every query parameter with its values."""
    query = request.query_params
    return {name: query.getlist(name) for name in query}


def for_brand(question: Question, brand_code: str) -> dict[str, list[str]]:
    """An owner's question as an anonymous caller asks it for the car's brand."""
    kept = {name: list(values) for name, values in question.items()}
    kept.pop("vehicle", None)
    return {**kept, "brand": [brand_code]}


def answer_key(kind: str, question: Question) -> str:
    """One key per question: the kind, every query parameter in order, and the language."""
    parts = [kind, sorted((name, list(values)) for name, values in question.items())]
    digest = hashlib.sha256(json.dumps([*parts, get_language()]).encode()).hexdigest()[:32]
    return f"availability:{digest}"


def computed(
    compute: Callable[[], tuple[Mapping, Iterable[int]]],
) -> tuple[Mapping, dict[int, int]]:
    """Run `compute` (the answer and the outlets it names) and read those outlets' versions in
    one REPEATABLE READ snapshot: the versions are exactly those of the calendars read. Inside
    a caller's transaction (tests), that transaction's reads are used as they are."""
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        data, outlet_ids = compute()
        return data, outlet_versions(outlet_ids)


def store(key: str, data: Mapping, versions: Mapping[int, int]) -> None:
    cache.set(
        key,
        {"data": data, "versions": dict(versions)},
        timeout=settings.AVAILABILITY_CACHE_SECONDS,
    )


def _current(key: str) -> Mapping | None:
    """The cached answer if no outlet behind it has changed since (a cache read and a query)."""
    entry = cache.get(key)
    if entry is None or outlet_versions(entry["versions"]) != entry["versions"]:
        return None
    return entry["data"]


def _starts_from(now: dt.datetime) -> Callable[[str], bool]:
    earliest = now + LEAD_TIME
    return lambda start: dt.datetime.fromisoformat(start) >= earliest


def outlet_answer(key: str, *, now: dt.datetime, default_dates: bool) -> Mapping | None:
    """A cached outlet answer with the starts now too soon taken out; None to compute afresh.

    `default_dates`: the caller gave no date_from, so the answer is for the outlet's "today",
    which it no longer is after local midnight."""
    data = _current(key)
    if data is None:
        return None
    today = now.astimezone(ZoneInfo(data["time_zone"])).date()
    if default_dates and data["date_from"] != today.isoformat():
        return None
    still_ahead = _starts_from(now)
    days = []
    for day in data["days"]:
        starts = day["starts"]
        # A day's starts are in time order: when its first is still ahead, so are the rest.
        if starts and not still_ahead(starts[0]):
            starts = [start for start in starts if still_ahead(start)]
        days.append({**day, "starts": starts})
    return {**data, "days": days}


def network_answer(key: str, *, now: dt.datetime) -> Mapping | None:
    """A cached network answer while each of its earliest starts is still ahead; else None."""
    data = _current(key)
    if data is None:
        return None
    still_ahead = _starts_from(now)
    if not all(still_ahead(result["earliest_start"]) for result in data["results"]):
        return None
    return data


def _overlapped(own: Busy | None, minutes: int) -> Callable[[str], bool]:
    """Whether a start (ISO text) overlaps the car's own bookings, for a job of `minutes`."""
    if own is None or not own.starts:
        return lambda start: False

    def overlapped(start: str) -> bool:
        at = dt.datetime.fromisoformat(start).timestamp()
        return own.overlaps(at, at + minutes * 60)

    return overlapped


def less_own_bookings(data: Mapping, own: Busy | None) -> Mapping:
    """An outlet answer for the car's brand, less the starts the car's own bookings overlap."""
    if own is None or not own.starts:
        return data
    overlapped = _overlapped(own, data["duration_minutes"])
    return {
        **data,
        "days": [
            {**day, "starts": [start for start in day["starts"] if not overlapped(start)]}
            for day in data["days"]
        ],
    }


def holds_for_the_car(data: Mapping, own: Busy | None) -> bool:
    """Whether a network answer for the car's brand is the car's answer too: none of its
    earliest starts overlaps the car's own bookings (a start they take away from an outlet not
    listed cannot bring it in)."""
    overlapped = _overlapped(own, data["duration_minutes"])
    return not any(overlapped(result["earliest_start"]) for result in data["results"])
