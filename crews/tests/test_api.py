"""The technicians API end to end: a manager keeps their outlet's technicians, its staff read
them, anyone else gets the 404 of an unknown outlet (someone else's object); staff who may read
but not write get 403."""

import datetime as dt

import pytest

from accounts.tests.factories import AdminFactory, UserFactory
from conftest import client_for
from crews.models import Technician
from crews.tests.factories import (
    AbsenceFactory,
    BrandAuthorizationFactory,
    ShiftFactory,
    TechnicianFactory,
)
from outlets.models import OutletMembership
from outlets.selectors import outlet_local_today
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

pytestmark = pytest.mark.django_db

CODE = "SH-PUDONG-01"
URL = f"/api/v1/outlets/{CODE}/technicians/"


@pytest.fixture
def outlet():
    return OutletFactory(code=CODE)


@pytest.fixture
def today(outlet) -> dt.date:
    return outlet_local_today(outlet=outlet)


def member(outlet, role: str):
    return client_for(OutletMembershipFactory(outlet=outlet, role=role).user)


@pytest.fixture
def manager_api(outlet):
    return member(outlet, "manager")


def test_a_manager_adds_a_technician_and_reads_them_back(manager_api, today):
    UserFactory(username="wang.lei", first_name="Lei", last_name="Wang")
    until = today + dt.timedelta(days=20)

    response = manager_api.post(
        URL,
        {
            "username": "wang.lei",
            "skills": ["ev_battery", "general"],
            "hv_level": 2,
            "hv_valid_until": until.isoformat(),
            "brands": [{"brand": "AITO", "valid_until": "2030-01-31"}],
            "shifts": [{"weekday": 0, "starts": "08:00", "ends": "12:30"}],
            "absences": [{"first_day": "2030-02-01", "last_day": "2030-02-03"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    technician = Technician.objects.get(user__username="wang.lei")
    assert body == {
        "id": technician.pk,
        "username": "wang.lei",
        "display_name": "Lei Wang",
        "skills": ["ev_battery", "general"],
        "hv_level": 2,
        "hv_valid_until": until.isoformat(),
        "is_active": True,
        "brands": [{"brand": "AITO", "valid_until": "2030-01-31"}],
        "shifts": [{"weekday": 0, "starts": "08:00", "ends": "12:30"}],
        "absences": [{"first_day": "2030-02-01", "last_day": "2030-02-03", "reason": ""}],
        "lapsing": [{"certificate": "hv", "brand": None, "valid_until": until.isoformat()}],
    }
    assert manager_api.get(f"{URL}{technician.pk}/").json() == body


def test_a_patch_changes_what_it_gives_and_replaces_the_lists(outlet, manager_api, today):
    technician = TechnicianFactory(outlet=outlet, skills=["general"])
    BrandAuthorizationFactory(
        technician=technician, brand=brand("AITO"), valid_until=today + dt.timedelta(5)
    )
    AbsenceFactory(technician=technician, first_day=today, reason="leave")

    response = manager_api.patch(
        f"{URL}{technician.pk}/",
        {"shifts": [{"weekday": 2, "starts": "09:00", "ends": "17:00"}], "is_active": False},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["shifts"] == [{"weekday": 2, "starts": "09:00", "ends": "17:00"}]
    assert body["is_active"] is False
    assert body["skills"] == ["general"]
    assert len(body["absences"]) == 1
    assert body["lapsing"] == [
        {
            "certificate": "brand",
            "brand": "AITO",
            "valid_until": (today + dt.timedelta(5)).isoformat(),
        }
    ]


def test_a_technician_is_added_by_their_username_in_any_case(manager_api):
    UserFactory(username="Li.Ming")
    response = manager_api.post(URL, {"username": "li.ming"}, format="json")
    assert response.status_code == 201, response.json()


def test_bad_input_answers_400_naming_each_field(outlet, manager_api):
    technician = TechnicianFactory(outlet=outlet)

    response = manager_api.patch(
        f"{URL}{technician.pk}/",
        {
            "hv_level": 3,
            "brands": [{"brand": "NOPE", "valid_until": "2030-01-01"}],
            "shifts": [
                {"weekday": 1, "starts": "08:00", "ends": "12:00"},
                {"weekday": 1, "starts": "11:00", "ends": "13:00"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"hv_valid_until", "brands", "shifts"}
    assert body["fields"]["shifts"] == ["Tuesday: 08:00–12:00 and 11:00–13:00 overlap."]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "username"),
        ({"username": "nobody"}, "username"),
        ({"username": "li.na", "skills": ["welding"]}, "skills"),
        ({"username": "li.na", "hv_level": 9}, "hv_level"),
        ({"username": "li.na", "shifts": [{"weekday": 8, "starts": "08:00"}]}, "shifts"),
    ],
)
def test_a_create_with_bad_input_answers_400(manager_api, payload, field):
    UserFactory(username="li.na")
    response = manager_api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Technician.objects.exists()


@pytest.mark.parametrize("role", ["advisor", "technician", "manager"])
def test_the_outlets_staff_read_its_technicians(outlet, role):
    technician = TechnicianFactory(outlet=outlet)
    api = member(outlet, role)

    assert [row["id"] for row in api.get(URL).json()] == [technician.pk]
    assert api.get(f"{URL}{technician.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["advisor", "technician"])
def test_staff_who_are_not_its_manager_may_not_write(outlet, role):
    technician = TechnicianFactory(outlet=outlet)
    UserFactory(username="li.na")
    api = member(outlet, role)

    assert api.post(URL, {"username": "li.na"}, format="json").status_code == 403
    response = api.patch(f"{URL}{technician.pk}/", {"skills": []}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("who", ["owner", "manager_elsewhere", "brand_admin"])
def test_anyone_else_gets_the_404_of_an_unknown_outlet(outlet, who):
    technician = TechnicianFactory(outlet=outlet)
    user = {
        "owner": lambda: UserFactory(),
        "manager_elsewhere": lambda: OutletMembershipFactory(role="manager").user,
        "brand_admin": lambda: BrandMembershipFactory().user,
    }[who]()
    api = client_for(user)

    for response in [
        api.get(URL),
        api.post(URL, {"username": user.username}, format="json"),
        api.get(f"{URL}{technician.pk}/"),
        api.patch(f"{URL}{technician.pk}/", {"skills": []}, format="json"),
    ]:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_anonymous_callers_get_401(outlet):
    assert client_for(None).get(URL).status_code == 401


def test_a_technician_of_another_outlet_is_not_found_here(outlet, manager_api):
    elsewhere = TechnicianFactory(outlet=OutletFactory())
    assert manager_api.get(f"{URL}{elsewhere.pk}/").status_code == 404
    response = manager_api.patch(f"{URL}{elsewhere.pk}/", {"skills": []}, format="json")
    assert response.status_code == 404


def test_an_alliance_admin_keeps_any_outlets_technicians(outlet):
    UserFactory(username="li.na")
    api = client_for(AdminFactory())
    assert api.post(URL, {"username": "li.na"}, format="json").status_code == 201
    membership = OutletMembership.objects.get(user__username="li.na", outlet=outlet)
    assert membership.role == "technician"


def test_the_list_costs_the_same_queries_for_one_or_many(
    outlet, manager_api, django_assert_max_num_queries
):
    for _ in range(6):
        technician = TechnicianFactory(outlet=outlet, hv_level=2)
        BrandAuthorizationFactory(technician=technician)
        AbsenceFactory(technician=technician)

    # the outlet, technicians with their users, authorizations with brands, shifts, absences
    with django_assert_max_num_queries(5):
        response = manager_api.get(URL)

    assert response.status_code == 200
    assert len(response.json()) == 6


def test_a_technician_shows_only_their_shifts_at_this_outlet(outlet, manager_api):
    technician = TechnicianFactory(outlet=outlet, outlet__shifts=False)
    ShiftFactory(technician=technician, outlet=outlet, weekday=1)
    ShiftFactory(technician=technician, outlet=OutletFactory(), weekday=2)

    body = manager_api.get(f"{URL}{technician.pk}/").json()

    assert body["shifts"] == [{"weekday": 1, "starts": "08:00", "ends": "18:00"}]


def test_taking_every_shift_from_someone_listed_by_their_shifts_alone_keeps_them_listed(
    outlet, manager_api
):
    # On shift here as an alliance admin enters them, with no membership of the outlet.
    technician = TechnicianFactory()
    ShiftFactory(technician=technician, outlet=outlet, weekday=1)

    response = manager_api.patch(f"{URL}{technician.pk}/", {"shifts": []}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["shifts"] == []
    assert not technician.shifts.exists()
    assert manager_api.get(f"{URL}{technician.pk}/").status_code == 200
    assert [t["id"] for t in manager_api.get(URL).json()] == [technician.pk]
    membership = OutletMembership.objects.get(user=technician.user, outlet=outlet)
    assert membership.role == "technician"
