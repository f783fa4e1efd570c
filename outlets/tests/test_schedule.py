import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from outlets.schedule import day_intervals, days_between, keeps_offset


def test_days_between_includes_both_ends():
    assert list(days_between(dt.date(2026, 2, 27), dt.date(2026, 3, 1))) == [
        dt.date(2026, 2, 27),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 1),
    ]


def test_days_between_reaches_the_last_day_of_the_calendar_without_overflow():
    assert list(days_between(dt.date.max - dt.timedelta(days=1), dt.date.max)) == [
        dt.date.max - dt.timedelta(days=1),
        dt.date.max,
    ]


def test_days_between_is_empty_when_the_range_is_reversed():
    assert list(days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 1))) == []


BERLIN = ZoneInfo("Europe/Berlin")
HOURS = [(dt.time(13), dt.time(18)), (dt.time(8), dt.time(12))]


def utc(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=dt.UTC)


def test_the_days_intervals_are_real_instants_earliest_first_across_a_fall_back_night():
    # 25 October 2026: Berlin's clocks go back at 03:00 CEST, an hour longer day; the night
    # shift from 01:00 to 04:00 wall time lasts four real hours.
    night = [(dt.time(1), dt.time(4))]
    assert day_intervals(dt.date(2026, 10, 25), night, BERLIN) == [
        (dt.datetime(2026, 10, 24, 23, tzinfo=dt.UTC), dt.datetime(2026, 10, 25, 3, tzinfo=dt.UTC))
    ]
    assert day_intervals(dt.date(2026, 10, 26), HOURS, BERLIN) == [
        (dt.datetime(2026, 10, 26, 7, tzinfo=dt.UTC), dt.datetime(2026, 10, 26, 11, tzinfo=dt.UTC)),
        (
            dt.datetime(2026, 10, 26, 12, tzinfo=dt.UTC),
            dt.datetime(2026, 10, 26, 17, tzinfo=dt.UTC),
        ),
    ]


def test_a_remembered_days_intervals_are_the_callers_own_to_change():
    day = dt.date(2026, 10, 27)
    first = day_intervals(day, HOURS, BERLIN)
    first.clear()
    # The same answer however the hours come (any order, a tuple), and not the cleared list.
    assert day_intervals(day, tuple(reversed(HOURS)), BERLIN) == day_intervals(day, HOURS, BERLIN)
    assert len(day_intervals(day, HOURS, BERLIN)) == 2


@pytest.mark.parametrize(
    ("day", "zone", "kept"),
    [
        (dt.date(2026, 10, 24), BERLIN, True),
        (dt.date(2026, 10, 25), BERLIN, False),  # the clocks go back at 03:00
        (dt.date(2026, 10, 26), BERLIN, True),
        (dt.date(2026, 3, 29), BERLIN, False),  # forward at 02:00
        # Santiago's clocks go forward at midnight: the day begins in the skipped hour.
        (dt.date(2026, 9, 6), ZoneInfo("America/Santiago"), False),
        (dt.date(2026, 9, 7), ZoneInfo("America/Santiago"), True),
        (dt.date(2026, 10, 25), ZoneInfo("Asia/Shanghai"), True),
    ],
)
def test_a_day_keeps_its_offset_unless_the_clocks_change_on_it(day, zone, kept):
    assert keeps_offset(day, zone) is kept
