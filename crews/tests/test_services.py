"""The rules of keeping technicians, at the layer that owns them (crews.services)."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.tests.factories import UserFactory
from crews.models import Technician
from crews.selectors import lapsing_certificates, technician_list
from crews.services import (
    technician_absence_add,
    technician_create,
    technician_retire,
    technician_update,
)
from crews.tests.factories import (
    AbsenceFactory,
    BrandAuthorizationFactory,
    ShiftFactory,
    TechnicianFactory,
)
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import brand

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


def shift(weekday: int, starts: str, ends: str) -> dict:
    return {
        "weekday": weekday,
        "starts": dt.time.fromisoformat(starts),
        "ends": dt.time.fromisoformat(ends),
    }


def refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


@pytest.fixture
def outlet():
    return OutletFactory()


def test_a_user_becomes_a_technician_of_the_outlet_with_everything_given(outlet):
    UserFactory(username="wang.lei")

    technician = technician_create(
        outlet=outlet,
        username="wang.lei",
        skills=["ev_battery", "general", "ev_battery"],
        hv_level=2,
        hv_valid_until=dt.date(2027, 6, 30),
        brands=[{"brand": "AITO", "valid_until": dt.date(2027, 1, 31)}],
        shifts=[shift(0, "08:00", "12:00"), shift(0, "13:00", "17:00")],
        absences=[{"first_day": TODAY, "last_day": TODAY, "reason": " training "}],
    )

    assert technician.skills == ["ev_battery", "general"]
    assert (technician.hv_level, technician.hv_valid_until) == (2, dt.date(2027, 6, 30))
    assert [(a.brand.code, a.valid_until) for a in technician.authorizations.all()] == [
        ("AITO", dt.date(2027, 1, 31))
    ]
    assert technician.shifts.filter(outlet=outlet).count() == 2
    assert technician.absences.get().reason == "training"
    membership = OutletMembership.objects.get(user=technician.user, outlet=outlet)
    assert membership.role == OutletMembership.Role.TECHNICIAN


def test_a_member_of_the_outlet_keeps_their_role_when_made_a_technician(outlet):
    manager = OutletMembershipFactory(outlet=outlet, role="manager").user

    technician = technician_create(outlet=outlet, username=manager.username)

    assert OutletMembership.objects.get(user=manager, outlet=outlet).role == "manager"
    assert list(technician_list(outlet=outlet)) == [technician]


@pytest.mark.parametrize("username", ["nobody", "counter"])
def test_only_an_existing_person_can_become_a_technician(outlet, username):
    UserFactory(username="counter", is_counter_customer=True)
    assert refused(technician_create, outlet=outlet, username=username) == {
        "username": ["No account has this username."]
    }
    assert not Technician.objects.exists()


def test_a_technician_already_at_the_outlet_is_not_added_twice(outlet):
    technician = TechnicianFactory(outlet=outlet)
    assert "username" in refused(
        technician_create, outlet=outlet, username=technician.user.username
    )


def test_a_technician_from_another_outlet_joins_as_the_same_person(outlet):
    other = OutletFactory()
    technician = TechnicianFactory(outlet=other, outlet__shifts=False, hv_level=2)
    ShiftFactory(technician=technician, outlet=other, weekday=0)

    joined = technician_create(
        outlet=outlet, username=technician.user.username, shifts=[shift(5, "09:00", "15:00")]
    )

    assert joined.pk == technician.pk
    assert joined.hv_level == 2  # not given: kept
    assert technician.shifts.filter(outlet=other).count() == 1
    assert technician.shifts.filter(outlet=outlet).count() == 1


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"skills": ["welding"]}, "skills"),
        ({"hv_level": 4, "hv_valid_until": TODAY}, "hv_level"),
        ({"hv_level": 2}, "hv_valid_until"),
        ({"hv_level": 1, "hv_valid_until": None}, "hv_valid_until"),
        ({"brands": [{"brand": "NOPE", "valid_until": TODAY}]}, "brands"),
        (
            {"brands": [{"brand": "AITO", "valid_until": TODAY}] * 2},
            "brands",
        ),
        ({"shifts": [shift(7, "08:00", "12:00")]}, "shifts"),
        ({"shifts": [shift(1, "12:00", "08:00")]}, "shifts"),
        ({"shifts": [shift(1, "08:00", "12:00"), shift(1, "11:00", "15:00")]}, "shifts"),
        ({"shifts": [shift(1, "08:00", "12:00"), shift(1, "12:00", "15:00")]}, "shifts"),
        (
            {"absences": [{"first_day": TODAY, "last_day": TODAY - dt.timedelta(days=1)}]},
            "absences",
        ),
    ],
)
def test_a_refused_input_is_named_and_nothing_is_written(outlet, given, field):
    UserFactory(username="li.na")
    assert field in refused(technician_create, outlet=outlet, username="li.na", **given)
    assert not Technician.objects.exists()
    assert not OutletMembership.objects.exists()


def test_every_refused_input_is_named_at_once(outlet):
    technician = TechnicianFactory(outlet=outlet)
    errors = refused(
        technician_update,
        technician=technician,
        outlet=outlet,
        skills=["welding"],
        hv_level=3,
        shifts=[shift(2, "10:00", "09:00")],
    )
    assert set(errors) == {"skills", "hv_valid_until", "shifts"}


def test_a_shift_may_not_overlap_the_technicians_shift_at_another_outlet(outlet):
    technician = TechnicianFactory(outlet=outlet, outlet__shifts=False)
    ShiftFactory(technician=technician, weekday=3, starts=dt.time(8), ends=dt.time(12))

    errors = refused(
        technician_update,
        technician=technician,
        outlet=outlet,
        shifts=[shift(3, "11:00", "16:00")],
    )
    assert errors["shifts"] == [
        "Thursday: 11:00–16:00 overlaps a shift at another outlet (08:00–12:00)."
    ]
    # after the other outlet's shift is fine
    technician_update(technician=technician, outlet=outlet, shifts=[shift(3, "12:00", "16:00")])


def test_shifts_kept_here_keep_the_person_on_the_outlets_staff(outlet):
    technician = TechnicianFactory(outlet=OutletFactory())
    ShiftFactory(technician=technician, outlet=outlet, weekday=1)

    technician_update(technician=technician, outlet=outlet, shifts=[])

    membership = OutletMembership.objects.get(user=technician.user, outlet=outlet)
    assert membership.role == OutletMembership.Role.TECHNICIAN


def test_shifts_refused_add_nobody_to_the_outlets_staff(outlet):
    technician = TechnicianFactory(outlet=OutletFactory())
    ShiftFactory(technician=technician, outlet=outlet, weekday=1)

    refused(
        technician_update, technician=technician, outlet=outlet, shifts=[shift(2, "10:00", "09:00")]
    )

    assert not OutletMembership.objects.filter(user=technician.user, outlet=outlet).exists()


def test_an_update_changes_what_is_given_and_replaces_the_lists_given(outlet):
    other = OutletFactory()
    technician = TechnicianFactory(outlet=outlet, hv_level=2, skills=["general", "tyre"])
    ShiftFactory(technician=technician, outlet=other, weekday=6)
    BrandAuthorizationFactory(technician=technician, brand=brand("AITO"))
    AbsenceFactory(technician=technician)

    technician_update(
        technician=technician,
        outlet=outlet,
        brands=[{"brand": "MAEXTRO", "valid_until": dt.date(2027, 3, 1)}],
        shifts=[shift(0, "09:00", "17:00")],
    )

    technician.refresh_from_db()
    assert technician.skills == ["general", "tyre"]
    assert technician.hv_level == 2
    assert [a.brand.code for a in technician.authorizations.all()] == ["MAEXTRO"]
    assert sorted(technician.shifts.values_list("outlet", "weekday")) == sorted(
        [(outlet.pk, 0), (other.pk, 6)]
    )
    assert technician.absences.count() == 1  # not given: kept


def test_level_zero_keeps_no_validity_date(outlet):
    technician = TechnicianFactory(outlet=outlet, hv_level=2)
    technician_update(technician=technician, outlet=outlet, hv_level=0)
    technician.refresh_from_db()
    assert (technician.hv_level, technician.hv_valid_until) == (0, None)


def test_a_retired_technician_is_kept(outlet):
    technician = TechnicianFactory(outlet=outlet)
    technician_retire(technician=technician, outlet=outlet)
    technician.refresh_from_db()
    assert technician.is_active is False
    assert list(technician_list(outlet=outlet)) == [technician]


def test_certificates_lapsing_within_thirty_days_warn(outlet, django_assert_max_num_queries):
    soon = TechnicianFactory(outlet=outlet, hv_level=2, hv_valid_until=TODAY + dt.timedelta(30))
    BrandAuthorizationFactory(
        technician=soon, brand=brand("AITO"), valid_until=TODAY + dt.timedelta(10)
    )
    BrandAuthorizationFactory(
        technician=soon, brand=brand("MAEXTRO"), valid_until=TODAY + dt.timedelta(31)
    )
    lapsed = TechnicianFactory(outlet=outlet, hv_level=2, hv_valid_until=TODAY - dt.timedelta(1))
    BrandAuthorizationFactory(technician=lapsed, brand=brand("AITO"), valid_until=TODAY)
    TechnicianFactory(outlet=outlet, hv_level=1, hv_valid_until=TODAY + dt.timedelta(31))
    TechnicianFactory(outlet=outlet, hv_level=2, hv_valid_until=TODAY, is_active=False)
    elsewhere = TechnicianFactory(outlet=OutletFactory(), hv_level=2, hv_valid_until=TODAY)

    with django_assert_max_num_queries(4):
        found = lapsing_certificates([outlet.pk], TODAY)

    assert [(f.technician, f.hv_valid_until) for f in found] == [
        (lapsed, None),
        (soon, TODAY + dt.timedelta(30)),
    ]
    assert [a.brand.code for a in found[0].authorizations] == ["AITO"]
    assert [a.brand.code for a in found[1].authorizations] == ["AITO"]
    assert found[1].outlet_ids == {outlet.pk}
    assert elsewhere not in [f.technician for f in found]


@pytest.mark.django_db(transaction=True)
def test_two_managers_adding_an_absence_at_once_keep_both():
    """Real concurrent connections: the second waits on the technician's lock and then reads
    the first's absence with the others, instead of sending back a list without it."""
    outlet = OutletFactory()
    technician = TechnicianFactory(outlet=outlet)
    first_holds_the_lock, release = threading.Event(), threading.Event()
    today = dt.date(2026, 12, 1)

    def first() -> None:
        try:
            with transaction.atomic():
                technician_absence_add(
                    technician=technician,
                    outlet=outlet,
                    absence={"first_day": today, "last_day": today, "reason": "leave"},
                )
                first_holds_the_lock.set()
                release.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_holds_the_lock.wait(10)
            later = today + dt.timedelta(days=9)
            technician_absence_add(
                technician=technician,
                outlet=outlet,
                absence={"first_day": later, "last_day": later, "reason": "course"},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds_the_lock.wait(10)
    time.sleep(0.3)  # the second is now waiting on the lock
    release.set()
    for thread in threads:
        thread.join(20)
    assert sorted(technician.absences.values_list("reason", flat=True)) == ["course", "leave"]
