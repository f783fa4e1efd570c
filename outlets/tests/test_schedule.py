import datetime as dt

from outlets.schedule import days_between


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
