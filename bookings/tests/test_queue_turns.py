"""Who the board expects on a bay first when work there runs over: the booked cars in their
booked order, each once the cars before it are done; walk-ins and late cars not yet here fitted
around them. Never two cars promised one bay at once."""

import datetime as dt
import random

import pytest

from bookings.queue import outlet_queue
from bookings.tests.factories import BookingFactory, next_local, waiting_walk_in

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def _running(world, bay, *, since):
    """An hour's work begun at `since` and still in service: it holds the bay until now."""
    return BookingFactory(
        outlet=world.outlet, bay=bay, status="in_service", start=since, started_at=since
    )


def _here(world, bay, start, *, arrived=None):
    return BookingFactory(
        outlet=world.outlet,
        bay=bay,
        status="checked_in",
        start=start,
        checked_in_at=arrived or start - dt.timedelta(minutes=5),
    )


def _estimates(world, now):
    return {
        entry.booking.pk: entry.estimated_start
        for entry in outlet_queue(outlet=world.outlet, day=now.date(), now=now)
    }


def test_an_overrun_delays_the_booked_cars_in_their_booked_order(world):
    now = next_local(13) + dt.timedelta(minutes=30)
    bay = world.bays[0]
    _running(world, bay, since=next_local(11))  # an hour's work, still going at 13:30
    noon = _here(world, bay, next_local(12))
    one = _here(world, bay, next_local(13))
    estimates = _estimates(world, now)
    # The car waiting since noon goes first, as soon as the bay is free; the one o'clock car
    # follows it, rather than both being promised the bay from two o'clock.
    assert estimates[noon.pk] == now
    assert estimates[one.pk] == now + HOUR


def test_a_late_car_not_yet_here_delays_no_one_who_is(world):
    now = next_local(12) + dt.timedelta(minutes=40)
    bay = world.bays[0]
    absent = BookingFactory(outlet=world.outlet, bay=bay, start=next_local(12))
    one = _here(world, bay, next_local(13))
    estimates = _estimates(world, now)
    assert estimates[one.pk] == next_local(13)
    # Forty minutes late, the hour's work no longer fits before one o'clock: after that car.
    assert estimates[absent.pk] == next_local(14)


def test_a_walk_in_is_not_promised_a_bay_a_delayed_booked_car_will_take(world):
    now = next_local(13)
    first, second = world.bays
    _running(world, first, since=next_local(11))  # still going at one o'clock
    noon = _here(world, first, next_local(12))
    # The second bay is booked from 13:30: an hour's work does not fit there before it.
    booked = BookingFactory(outlet=world.outlet, bay=second, start=now + HOUR / 2)
    walk_in = waiting_walk_in(world.outlet, arrived=now - dt.timedelta(minutes=10))
    estimates = _estimates(world, now)
    assert estimates[noon.pk] == now
    assert estimates[booked.pk] == booked.start
    # The first bay once the noon car is done: sooner than the second, after its booking.
    assert estimates[walk_in.pk] == now + HOUR


@pytest.mark.parametrize("seed", range(8))
def test_no_two_booked_cars_are_expected_on_one_bay_at_once(world, seed):
    """Random days of overruns, late arrivals, cars not yet here and cars still to come, on
    both bays: the expected spans of the cars booked on a bay never overlap, nor the work
    running there."""
    chance = random.Random(seed)
    now = next_local(12) + dt.timedelta(minutes=chance.randrange(0, 60, 5))
    waiting = []
    for bay in world.bays:
        taken = []  # the bay's reservations may not overlap (the exclusion constraint)
        if chance.random() < 0.7:
            since = now - dt.timedelta(minutes=chance.randrange(60, 150, 10))
            _running(world, bay, since=since)
            taken.append(since)
        for hour in range(9, 17):
            start = next_local(hour)
            if any(abs(start - other) < HOUR for other in taken):
                continue
            kind = chance.choice(("here", "here", "booked", "booked", "none"))
            if kind == "here" and start <= now + HOUR:
                waiting.append(_here(world, bay, start, arrived=min(start, now)))
            elif kind == "booked":
                waiting.append(BookingFactory(outlet=world.outlet, bay=bay, start=start))
    estimates = _estimates(world, now)
    for bay in world.bays:
        spans = sorted(
            (estimates[b.pk], estimates[b.pk] + (b.bay_released_at - b.start))
            for b in waiting
            if b.bay_id == bay.pk and estimates[b.pk] is not None
        )
        assert spans, "each day puts some car on each bay"
        assert all(start >= now for start, _ in spans)
        for (_, ends), (begins, _) in zip(spans, spans[1:], strict=False):
            assert ends <= begins, spans
