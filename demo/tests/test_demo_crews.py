"""The demo's crews: every outlet plans by crews and is staffed over its opening hours, and the
technicians' scenario holds in the data (one outlet's high-voltage pair is broken up
on two days next week; one certificate lapses within the month)."""

import datetime as dt

import pytest

from crews.models import GUARDIAN_HV_LEVEL, Absence, BrandAuthorization, Shift, Technician
from demo.crew_rosters import SCENARIO
from demo.crews import outlet_today
from outlets.models import OpeningHours, Outlet, OutletMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_network):
    return demo_network


def _next_week(outlet: Outlet) -> list[dt.date]:
    today = outlet_today(outlet)
    monday = today + dt.timedelta(days=7 - today.weekday())
    return [monday + dt.timedelta(days=n) for n in range(7)]


def _covered(intervals: list[tuple[dt.time, dt.time]], opens: dt.time, closes: dt.time) -> bool:
    """Whether the union of the intervals covers [opens, closes)."""
    reached = opens
    for starts, ends in sorted(intervals):
        if starts > reached:
            break
        reached = max(reached, ends)
    return reached >= closes


def test_every_outlet_plans_crews_with_desk_limits(seeded):
    for outlet in Outlet.objects.filter(is_active=True):
        assert outlet.plans_crews, outlet.code
        assert 1 <= outlet.desk_per_slot < outlet.desk_per_day, outlet.code


def test_every_technician_is_technician_staff_of_the_outlets_they_work_at(seeded):
    for shift in Shift.objects.select_related("technician", "outlet").distinct():
        assert OutletMembership.objects.filter(
            user_id=shift.technician.user_id,
            outlet=shift.outlet,
            role=OutletMembership.Role.TECHNICIAN,
        ).exists()


def test_general_work_is_staffed_over_all_opening_hours_for_every_brand(seeded):
    authorizations = {}
    for tech_id, brand_id, until in BrandAuthorization.objects.values_list(
        "technician_id", "brand_id", "valid_until"
    ):
        authorizations.setdefault(tech_id, {})[brand_id] = until
    for outlet in Outlet.objects.filter(is_active=True).prefetch_related("brands"):
        today = outlet_today(outlet)
        shifts = Shift.objects.filter(outlet=outlet, technician__skills__contains=["general"])
        for hours in OpeningHours.objects.filter(outlet=outlet):
            for brand in outlet.brands.all():
                on_shift = [
                    (s.starts, s.ends)
                    for s in shifts
                    if s.weekday == hours.weekday
                    and authorizations.get(s.technician_id, {}).get(brand.pk, today) > today
                ]
                assert _covered(on_shift, hours.opens, hours.closes), (
                    outlet.code,
                    brand.code,
                    hours.weekday,
                )


def test_big_outlets_have_one_live_work_technician_and_high_voltage_pairs(seeded):
    for outlet in Outlet.objects.exclude(kind=Outlet.Kind.EXPRESS):
        staff = Technician.objects.filter(shifts__outlet=outlet).distinct()
        assert staff.filter(hv_level=3).count() == 1, outlet.code
        assert staff.filter(hv_level__gte=GUARDIAN_HV_LEVEL).count() >= 2, outlet.code
        assert staff.filter(skills__contains=["ev_battery"]).exists(), outlet.code


def test_the_scenario_outlet_has_exactly_two_hv_qualified_technicians(seeded):
    outlet = Outlet.objects.get(code=SCENARIO.outlet)
    qualified = Technician.objects.filter(
        shifts__outlet=outlet, hv_level__gte=GUARDIAN_HV_LEVEL
    ).distinct()
    assert {t.user.username for t in qualified} == {
        "tech.bj-chaoyang",
        SCENARIO.guardian_username,
    }
    # Both certificates hold well past next week.
    assert all(t.hv_valid_until > _next_week(outlet)[-1] for t in qualified)


def test_the_guardian_is_away_on_two_working_days_next_week(seeded):
    outlet = Outlet.objects.get(code=SCENARIO.outlet)
    week = _next_week(outlet)
    absence = Absence.objects.get(technician__user__username=SCENARIO.guardian_username)
    away = [day for day in week if absence.first_day <= day <= absence.last_day]
    assert len(away) == 2
    assert all(day.weekday() < 5 for day in away)
    assert not outlet.closures.filter(date__in=away).exists()


def test_one_certificate_lapses_within_the_month(seeded):
    today = outlet_today(Outlet.objects.get(code=SCENARIO.outlet))
    soon = today + dt.timedelta(days=30)
    lapsing_hv = Technician.objects.filter(hv_valid_until__range=(today, soon))
    lapsing_brand = BrandAuthorization.objects.filter(valid_until__range=(today, soon))
    assert not lapsing_hv.exists()
    authorization = lapsing_brand.get()
    assert authorization.technician.user.username == SCENARIO.lapsing_username
    assert authorization.brand.code == "MAEXTRO"


def test_the_technician_scenario_is_printed_with_a_manager_who_sees_it(seeded):
    story = [login for login in seeded if login.role == "crew story"]
    assert story[0].username == "manager.bj-chaoyang"
    assert "away" in story[0].note
    assert "lapses" in story[0].note
    manager = OutletMembership.objects.get(user__username="manager.bj-chaoyang")
    assert (manager.outlet.code, manager.role) == (SCENARIO.outlet, "manager")
