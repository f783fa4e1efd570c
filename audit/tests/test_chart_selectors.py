"""The dashboard's chart selectors: the wait distribution per outlet and the weekly on-time
rate, on a constructed October worked out by hand; one query each, whatever the outlets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.charts import wait_distribution, weekly_on_time
from audit.scope import audit_scope, auditor_for
from audit.selectors import Period, outlet_audit
from bookings.models import Booking
from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

SH = "Asia/Shanghai"
OCTOBER = Period(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))


def d(day: int, hour: int = 10):
    return local(SH, f"2026-10-{day:02d}", hour)


@pytest.fixture
def waits(history):
    pudong = OutletFactory(code="SH-PUDONG-01", time_zone=SH)
    minhang = OutletFactory(code="SH-MINHANG-01", time_zone=SH)
    history.write(
        pudong,
        [
            # Thursday 1st … Sunday 4th: the week of Monday 28 September.
            Visit("AITO", d(1), wait=-5),  # ≤ 0
            Visit("AITO", d(2), wait=0),  # ≤ 0 (on the minute)
            Visit("AITO", d(3), wait=15),  # 0–15: still on time
            Visit("AITO", d(4), wait=16),  # 15–30: late
            # Monday 5th … : the week of 5 October.
            Visit("AITO", d(5), wait=30),  # 15–30
            Visit("AITO", d(6), wait=31),  # 30–60
            Visit("AITO", d(7), wait=61),  # over 60
            Visit("AITO", d(8), wait=200, channel="walk_in"),  # a walk-in: no wait measured
            Visit("AITO", d(9), status=Booking.Status.NO_SHOW),  # never started
            Visit("LUXEED", d(6, 12), wait=5),  # another brand
        ],
    )
    history.write(minhang, [Visit("AITO", d(12), wait=10), Visit("AITO", d(13), wait=45)])


def scope_of(people, who: str, brand: str | None = None):
    return audit_scope(auditor=auditor_for(user=people[who]), brand_code=brand)


def test_the_waits_bucketed_per_outlet(waits, people):
    rows = wait_distribution(outlet_audit(scope=scope_of(people, "aito_admin"), period=OCTOBER))

    assert [(r.outlet, r.started, r.counts) for r in rows] == [
        # edges 0, 15, 30, 60: ≤0, 1–15, 16–30, 31–60, >60
        ("SH-MINHANG-01", 2, [0, 1, 0, 1, 0]),
        ("SH-PUDONG-01", 7, [2, 1, 2, 1, 1]),
    ]
    assert rows[0].edges == (0, 15, 30, 60)


def test_every_brand_for_the_alliance_admin(waits, people):
    rows = wait_distribution(outlet_audit(scope=scope_of(people, "alliance_admin"), period=OCTOBER))
    pudong = next(r for r in rows if r.outlet == "SH-PUDONG-01")
    assert pudong.counts == [2, 2, 2, 1, 1]  # LUXEED's 5 minutes join the 1–15 bucket


def test_the_on_time_rate_week_by_week(waits, people):
    weeks = weekly_on_time(scope=scope_of(people, "aito_admin"), period=OCTOBER)

    assert [(w.week, w.started, w.on_time) for w in weeks] == [
        (dt.date(2026, 9, 28), 4, 3),  # −5, 0, 15 on time; 16 late
        (dt.date(2026, 10, 5), 3, 0),  # 30, 31, 61 late; the walk-in and the no-show not started
        (dt.date(2026, 10, 12), 2, 1),  # Minhang: 10 on time, 45 late
    ]
    assert weeks[0].on_time_rate == pytest.approx(0.75)
    assert weeks[1].on_time_rate == 0


def test_the_weeks_follow_the_outlets_own_calendar(history, people):
    berlin = OutletFactory(code="DE-MUNICH-01", time_zone="Europe/Berlin")
    # Sunday 11 October 23:30 in Berlin is Monday 12th 05:30 in Shanghai: Berlin's week of 5th.
    history.write(berlin, [Visit("AITO", local("Europe/Berlin", "2026-10-11", 23, 30), wait=0)])

    weeks = weekly_on_time(scope=scope_of(people, "aito_admin"), period=OCTOBER)

    assert [(w.week, w.started) for w in weeks] == [(dt.date(2026, 10, 5), 1)]


def test_one_query_each_however_many_outlets(history, people):
    scope = scope_of(people, "aito_admin")
    counts = []
    for first, last in [(0, 1), (1, 30)]:
        for n in range(first, last):
            history.write(OutletFactory(code=f"OUT-{n:03d}"), [Visit("AITO", d(2), wait=n)])
        with CaptureQueriesContext(connection) as captured:
            assert wait_distribution(outlet_audit(scope=scope, period=OCTOBER))
            assert weekly_on_time(scope=scope, period=OCTOBER)
        counts.append(len(captured))
    assert counts == [2, 2]  # the outlet audit's statement, the weeks' on-time rate
