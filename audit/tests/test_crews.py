"""The crews audit's reads: per outlet of the brand, the certificates of its technicians that
lapse within 30 days, and the days its jobs found no qualified crew (crews.rules decides who
may lead and guard; bookings are not counted)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.crews import crew_audit
from audit.selectors import Period
from outlets.models import Outlet
from outlets.schedule import days_between
from outlets.tests.factories import ClosureFactory, OutletFactory
from vehicles.tests.factories import brand

from .crew_factories import FAR, adas_service, battery_service, general_service, technician

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

TODAY = dt.date(2026, 10, 20)  # conftest's NOW, a Tuesday
WEEK = Period(date_from=dt.date(2026, 10, 21), date_to=dt.date(2026, 10, 27))


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def audit(code: str = "AITO", period: Period = WEEK):
    return crew_audit(brand=brand(code), period=period, today=TODAY)


def by_outlet(result) -> dict:
    return {row.outlet.code: row for row in result.outlets}


def lapsing(result, outlet: str) -> list[tuple[str, str, dt.date, int]]:
    return [
        (c.technician, c.certificate, c.valid_until, c.days_left)
        for c in by_outlet(result)[outlet].lapsing
    ]


def crewless(result, outlet: str) -> dict[dt.date, list[str]]:
    return {
        day.date: [s.code for s in day.services] for day in by_outlet(result)[outlet].crewless_days
    }


# --- certificates lapsing ---


def test_certificates_that_lapse_within_30_days_are_listed_soonest_first(now):
    outlet = OutletFactory(code="SH-CREW-01")
    technician(outlet, name="Wang", hv=2, hv_until=days(10))
    technician(outlet, name="Li", brands={"AITO": days(30)})
    technician(outlet, name="Zhao", hv=3, hv_until=days(0), brands={"AITO": days(5)})
    technician(outlet, name="Later", hv=2, hv_until=days(31), brands={"AITO": days(31)})
    technician(outlet, name="Lapsed", hv=2, hv_until=days(-1))
    technician(outlet, name="Steady", hv=2, hv_until=FAR)

    assert lapsing(audit(), "SH-CREW-01") == [
        ("Zhao", "hv", days(0), 0),
        ("Zhao", "brand", days(5), 5),
        ("Wang", "hv", days(10), 10),
        ("Li", "brand", days(30), 30),
    ]


def test_only_technicians_authorized_for_the_brand_today_count(now):
    outlet = OutletFactory(code="SH-CREW-01")
    technician(outlet, name="Luxeed only", hv=2, hv_until=days(3), brands={"LUXEED": FAR})
    technician(outlet, name="No longer", hv=2, hv_until=days(3), brands={"AITO": days(-1)})
    technician(outlet, name="Retired", hv=2, hv_until=days(3), is_active=False)
    technician(outlet, name="Both", hv=2, hv_until=days(3), brands={"AITO": FAR, "LUXEED": FAR})
    # another brand's authorization lapsing is not this brand's concern
    technician(outlet, name="Luxeed lapses", brands={"AITO": FAR, "LUXEED": days(5)})

    assert lapsing(audit("AITO"), "SH-CREW-01") == [("Both", "hv", days(3), 3)]
    assert [(name, what) for name, what, *_ in lapsing(audit("LUXEED"), "SH-CREW-01")] == [
        ("Both", "hv"),
        ("Luxeed only", "hv"),
        ("Luxeed lapses", "brand"),
    ]


def test_a_technician_is_listed_at_every_outlet_they_work_at(now):
    first, second = OutletFactory(code="SH-CREW-01"), OutletFactory(code="SH-CREW-02")
    technician(first, second, name="Roaming", brands={"AITO": days(7)})
    OutletFactory(code="SH-CREW-03")

    result = audit()
    assert lapsing(result, "SH-CREW-01") == lapsing(result, "SH-CREW-02")
    assert lapsing(result, "SH-CREW-01") == [("Roaming", "brand", days(7), 7)]
    assert lapsing(result, "SH-CREW-03") == []


def test_only_active_outlets_authorized_for_the_brand_are_covered(now):
    OutletFactory(code="SH-CREW-01")
    OutletFactory(code="SH-LUXEED-01", brands=[brand("LUXEED")])
    OutletFactory(code="SH-CLOSED-01", is_active=False)

    assert list(by_outlet(audit())) == ["SH-CREW-01"]


# --- days without a qualified crew ---


def crew_outlet(code: str = "SH-CREW-01", **kwargs):
    return OutletFactory(
        code=code,
        plans_crews=True,
        services=[general_service(), battery_service()],
        **kwargs,
    )


def test_battery_work_has_no_crew_on_the_days_its_only_guardian_is_away(now):
    outlet = crew_outlet()
    technician(outlet, name="Lead", skills=("general", "ev_battery"), hv=2, hv_until=FAR)
    technician(outlet, name="Guard", hv=2, hv_until=FAR, away=[(days(2), days(3))])

    assert crewless(audit(), "SH-CREW-01") == {
        days(2): ["crew-battery"],
        days(3): ["crew-battery"],
    }


def test_closed_days_and_days_without_opening_hours_are_not_counted(now):
    outlet = crew_outlet(hours=[(dt.time(9), dt.time(18))])
    outlet.opening_hours.filter(weekday=days(4).weekday()).delete()
    ClosureFactory(outlet=outlet, date=days(2))
    technician(outlet, name="Lead", skills=("general", "ev_battery"), hv=2, hv_until=FAR)
    technician(outlet, name="Guard", hv=2, hv_until=FAR, away=[(days(2), days(4))])

    assert crewless(audit(), "SH-CREW-01") == {days(3): ["crew-battery"]}


def test_from_the_day_after_a_certificate_lapses_its_holder_no_longer_counts(now):
    outlet = crew_outlet()
    technician(outlet, name="Lead", skills=("general", "ev_battery"), hv=2, hv_until=days(5))
    technician(outlet, name="Guard", hv=2, hv_until=FAR)

    assert crewless(audit(), "SH-CREW-01") == {
        days(6): ["crew-battery"],
        days(7): ["crew-battery"],
    }


def test_a_brand_s_jobs_need_a_lead_authorized_for_that_brand(now):
    outlet = crew_outlet()
    technician(outlet, name="Lead", skills=("general", "ev_battery"), hv=2, hv_until=FAR)
    technician(outlet, name="Guard", hv=2, hv_until=FAR, brands={})

    assert crewless(audit("AITO"), "SH-CREW-01") == {}
    assert set(crewless(audit("LUXEED"), "SH-CREW-01")[days(1)]) == {
        "crew-battery",
        "crew-general",
    }


def test_a_job_needs_one_crew_on_duty_for_its_whole_length(now):
    longer = adas_service("crew-adas-long", minutes=180)
    outlet = OutletFactory(
        code="SH-CREW-01", plans_crews=True, services=[adas_service(minutes=90), longer]
    )
    technician(
        outlet, name="Morning", skills=("adas_calibration",), shift=(dt.time(9), dt.time(11))
    )
    technician(outlet, name="Noon", skills=("adas_calibration",), shift=(dt.time(11), dt.time(13)))

    # Two 2-hour shifts back to back: a 90-minute job fits in either, a 3-hour one in neither.
    assert crewless(audit(), "SH-CREW-01") == {day: ["crew-adas-long"] for day in WEEK_DAYS}


def test_a_crew_must_be_on_duty_during_the_opening_hours(now):
    outlet = crew_outlet(hours=[(dt.time(9), dt.time(18))])
    technician(outlet, name="Night", shift=(dt.time(18), dt.time(23)))

    assert crewless(audit(), "SH-CREW-01") == {
        day: ["crew-battery", "crew-general"] for day in WEEK_DAYS
    }


def test_each_day_of_a_month_is_judged_on_its_own_however_alike_its_weeks(now):
    outlet = crew_outlet()
    technician(outlet, name="Lead", skills=("general", "ev_battery"), hv=2, hv_until=days(24))
    technician(outlet, name="Guard", hv=2, hv_until=FAR, away=[(days(16), days(16))])
    month = Period(date_from=days(1), date_to=days(28))

    # One Thursday of four, away; from a Saturday on, the lead's certificate has lapsed.
    assert crewless(audit(period=month), "SH-CREW-01") == {
        day: ["crew-battery"] for day in [days(16), days(25), days(26), days(27), days(28)]
    }


def test_a_brand_authorization_lapsing_in_the_fourth_week_counts_from_the_next_day(now):
    outlet = crew_outlet()
    lead = {"skills": ("general", "ev_battery"), "hv": 2, "hv_until": FAR}
    technician(outlet, name="Lead", brands={"AITO": days(22)}, **lead)
    technician(outlet, name="Guard", hv=2, hv_until=FAR)
    month = Period(date_from=days(1), date_to=days(28))

    assert crewless(audit(period=month), "SH-CREW-01") == {
        days(n): ["crew-battery"]
        for n in range(23, 29)  # the guard leads general work
    }


@pytest.mark.parametrize(
    ("period", "minutes", "clocks_change"),
    [
        # Berlin's clocks go back on Sunday 25 October: 01:00–04:00 is four real hours.
        (Period(dt.date(2026, 10, 18), dt.date(2026, 11, 1)), 210, dt.date(2026, 10, 25)),
        # And forward on Sunday 29 March: 01:00–04:00 is two.
        (Period(dt.date(2026, 3, 22), dt.date(2026, 4, 5)), 150, dt.date(2026, 3, 29)),
    ],
)
def test_the_day_the_clocks_change_is_judged_apart_from_its_weekday(
    now, period, minutes, clocks_change
):
    night = (dt.time(1), dt.time(4))
    OutletFactory(
        code="BE-CREW-01",
        time_zone="Europe/Berlin",
        plans_crews=True,
        services=[general_service(minutes=minutes)],
        hours=[night],
    )
    technician(Outlet.objects.get(code="BE-CREW-01"), name="Night", shift=night)

    found = crewless(audit(period=period), "BE-CREW-01")

    every_day = list(days_between(period.date_from, period.date_to))
    if minutes > 180:  # fits only in the longer night
        assert found == {day: ["crew-general"] for day in every_day if day != clocks_change}
    else:  # fits in every night but the shorter one
        assert found == {clocks_change: ["crew-general"]}


def test_outlets_that_do_not_plan_crews_have_no_days_without_crew(now):
    OutletFactory(code="SH-BAYS-01", plans_crews=False, services=[general_service()])

    assert crewless(audit(), "SH-BAYS-01") == {}


def test_both_reads_cost_the_same_queries_for_1_outlet_or_10(now):
    def network(first: int, last: int) -> None:
        for n in range(first, last):
            outlet = crew_outlet(f"SH-CREW-{n:02d}")
            technician(outlet, skills=("general", "ev_battery"), hv=2, hv_until=days(n))
            technician(outlet, hv=2, hv_until=FAR, away=[(days(2), days(3))])

    aito = brand("AITO")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            crew_audit(brand=aito, period=WEEK, today=TODAY)
        return len(captured)

    network(0, 1)
    one = count()
    network(1, 10)
    assert count() == one <= 8


WEEK_DAYS = [WEEK.date_from + dt.timedelta(days=n) for n in range(7)]
