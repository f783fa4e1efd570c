"""The audit reads a booking by its booked start. Work begun on another bay, with another crew or
early moves a booking's `start` to when the work began and keeps the booked time in
`promised_start` (bookings.lifecycle.status.booking_start): the wait, the on-time start, the
period and the settling watermark are still the booked time's."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from audit import settle
from audit.models import BookingFacts, FactsWatermark, StaleFacts
from bookings.models import Booking, Feedback
from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

SH = "Asia/Shanghai"
OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def d(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return local(SH, f"2026-10-{day:02d}", hour, minute)


def test_a_moved_start_waits_from_the_booked_time(history, as_):
    outlet = OutletFactory(code="SH-MOVED-01", time_zone=SH)
    history.write(
        outlet,
        [
            Visit("AITO", d(2), wait=40),  # late, on its booked bay
            Visit("AITO", d(3), wait=40, moved=True),  # as late, moved to another bay
            Visit("AITO", d(4), wait=-40, moved=True),  # begun 40 minutes early
            Visit("AITO", d(5), wait=10, moved=True),  # on time, another crew
        ],
    )
    row = as_("aito_admin").get("/api/v1/audit/outlets/", OCTOBER).json()["rows"][0]
    # Waits 40, 40, -40 and 10: two on time (≤ 15), the median (10 + 40) / 2.
    assert (row["started"], row["on_time"], row["due"]) == (4, 2, 4)
    assert row["wait_median_minutes"] == 25.0
    url = "/api/v1/audit/outlets/SH-MOVED-01/bookings/"
    started = as_("aito_admin").get(url, {**OCTOBER, "metric": "started"}).json()["results"]
    # Listed at their booked times, with their waits from them.
    assert [(b["start"], b["wait_minutes"]) for b in started] == [
        (d(2).isoformat(), 40.0),
        (d(3).isoformat(), 40.0),
        (d(4).isoformat(), -40.0),
        (d(5).isoformat(), 10.0),
    ]
    late = as_("aito_admin").get(url, {**OCTOBER, "metric": "late_start"}).json()["results"]
    assert [b["start"] for b in late] == [d(2).isoformat(), d(3).isoformat()]


def test_the_period_holds_a_booking_by_its_booked_start(history, as_):
    outlet = OutletFactory(code="SH-MOVED-01", time_zone=SH)
    with time_machine.travel(local(SH, "2026-11-03", 12), tick=False):
        history.write(
            outlet,
            [
                # Booked on the 31st at 23:30, started on another bay 50 minutes late: November
                # by the clock, October's by its booking.
                Visit("AITO", d(31, 23, 30), wait=50, moved=True),
                # Booked on the 30th of September, started on the 1st of October: September's.
                Visit("AITO", local(SH, "2026-09-30", 23, 30), wait=50, moved=True),
            ],
        )
        row = as_("aito_admin").get("/api/v1/audit/outlets/", OCTOBER).json()["rows"][0]
        listed = as_("aito_admin").get(
            "/api/v1/audit/outlets/SH-MOVED-01/bookings/", {**OCTOBER, "metric": "all"}
        )
    assert (row["bookings"], row["started"], row["on_time"]) == (1, 1, 0)
    assert [b["start"] for b in listed.json()["results"]] == [d(31, 23, 30).isoformat()]


def _figures(as_, period):
    return [
        as_(who).get(url, {**period, **params}).json()
        for who, url, params in [
            ("aito_admin", "/api/v1/audit/outlets/", {}),
            ("alliance_admin", "/api/v1/audit/outlets/", {}),
            ("alliance_admin", "/api/v1/audit/equity/", {}),
            ("aito_admin", "/api/v1/audit/outlets/SH-MOVED-01/bookings/", {"metric": "started"}),
        ]
    ]


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-10-01", "2026-11-03"),
        ("2026-10-05", "2026-10-11"),  # one whole week
        ("2026-09-28", "2026-10-04"),  # the week before it
        ("2026-11-03", "2026-11-03"),  # the watermark's day
    ],
)
def test_settled_facts_hold_a_moved_booking_by_its_booked_start(history, as_, date_from, date_to):
    outlet = OutletFactory(code="SH-MOVED-01", time_zone=SH)
    now = local(SH, "2026-11-03", 12)  # the watermark at 9:00
    with time_machine.travel(now, tick=False):
        moved = history.write(
            outlet,
            [
                # Booked on Sunday the 4th at 23:30, started on Monday: the week before.
                Visit("AITO", d(4, 23, 30), wait=70, moved=True, rating=2),
                # Booked on Monday the 5th, begun on Sunday: this week.
                Visit("AITO", d(5, 0, 30), wait=-45, moved=True, rating=4),
                Visit("AITO", d(6), wait=5),
                Visit("LUXEED", d(6, 11), wait=30, moved=True),
                # Booked before the watermark, started after it; and the other way round.
                Visit("AITO", local(SH, "2026-11-03", 8), wait=120, moved=True),
                Visit("AITO", local(SH, "2026-11-03", 10), wait=-90, moved=True),
            ],
        )
        period = {"date_from": date_from, "date_to": date_to}
        live = _figures(as_, period)
        settle.facts_settle()
        assert FactsWatermark.objects.get().settled_before == local(SH, "2026-11-03", 9)
        assert _figures(as_, period) == live
    # Each fact under its booked start (one past the watermark may be settled early, by a mark).
    booked = {b.pk: b.promised_start or b.start for b in moved}
    facts = dict(BookingFacts.objects.values_list("id", "start"))
    assert set(facts) >= set(list(booked)[:5])
    assert all(start == booked[pk] for pk, start in facts.items())


def test_a_booking_moved_late_is_marked_by_its_booked_start(history):
    """The triggers judge by the database's clock (the frozen one is Python's). A car booked
    three hours ago, started ten minutes ago on another bay, was settled by its booked start: a
    later write to it (its rating) must mark it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        db_now = cursor.fetchone()[0]
    (moved,) = history.write(
        OutletFactory(),
        [Visit("AITO", db_now - dt.timedelta(hours=3), wait=170, moved=True)],
    )
    assert moved.start == db_now - dt.timedelta(minutes=10)
    StaleFacts.objects.all().delete()
    Feedback.objects.create(booking=moved, rating=1)
    Booking.objects.filter(pk=moved.pk).update(notes="seen")
    assert list(StaleFacts.objects.values_list("booking_id", "version")) == [(moved.pk, 2)]
