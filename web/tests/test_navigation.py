"""The header's links by role (web.common.navigation): owners, outlet staff, managers, brand
admins, people with several roles; one query for all of them, none once cached."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.tests.factories import AdminFactory, UserFactory
from hima_service import cache as hima_cache
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.models import Brand
from vehicles.tests.factories import BrandMembershipFactory, VehicleFactory
from web.common.navigation import Roles, roles_key

pytestmark = pytest.mark.django_db

Role = OutletMembership.Role
MAIN_NAV = re.compile(r'<nav aria-label="Main".*?</nav>', re.S)


def _header(user, path: str = "/") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get(path).content.decode()
    return MAIN_NAV.search(html).group(0)


def _labels(nav: str) -> list[str]:
    return re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>', nav)


def test_an_owner_sees_the_owner_links_only():
    owner = UserFactory()
    VehicleFactory(owner=owner)
    labels = _labels(_header(owner))
    assert labels[-3:] == ["My vehicles", "My bookings", "My data"]
    assert "Board" not in labels
    assert "Audit dashboard" not in labels


def test_a_new_account_without_roles_or_cars_sees_the_owner_links():
    assert "My vehicles" in _labels(_header(UserFactory()))


def test_an_advisor_sees_the_board_and_no_owner_links():
    advisor = UserFactory()
    outlet = OutletFactory(code="SH-NAV-01")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    nav = _header(advisor)
    assert 'href="/staff/SH-NAV-01/">Board<' in nav
    assert "My vehicles" not in nav
    assert "My bookings" not in nav
    assert "Outlet settings" not in nav
    assert "My data" in nav


def test_a_manager_sees_the_board_and_the_outlet_settings_marked_where_they_are():
    manager = UserFactory()
    outlet = OutletFactory(code="SH-NAV-01")
    OutletMembershipFactory(user=manager, outlet=outlet, role=Role.MANAGER)
    nav = _header(manager, "/staff/SH-NAV-01/manage/closures/")
    assert 'href="/staff/SH-NAV-01/">Board<' in nav
    assert 'href="/staff/SH-NAV-01/manage/hours/" aria-current="page">Outlet settings<' in nav


def test_staff_of_several_outlets_get_a_board_link_each():
    advisor = UserFactory()
    for code in ["SH-NAV-02", "SH-NAV-01"]:
        OutletMembershipFactory(user=advisor, outlet=OutletFactory(code=code), role=Role.ADVISOR)
    OutletMembershipFactory(
        user=advisor, outlet=OutletFactory(code="SH-NAV-03", is_active=False), role=Role.ADVISOR
    )
    labels = _labels(_header(advisor))
    assert [label for label in labels if label.startswith("Board")] == [
        "Board SH-NAV-01",
        "Board SH-NAV-02",
    ]


def test_a_brand_admin_sees_the_dashboard_and_the_owner_links_only_with_a_car():
    admin = UserFactory()
    BrandMembershipFactory(user=admin, brand=Brand.objects.get(code="AITO"))
    labels = _labels(_header(admin))
    assert "Audit dashboard" in labels
    assert "My vehicles" not in labels

    VehicleFactory(owner=admin)
    cache.delete(roles_key(admin.pk))  # the header trusts its cache for a few minutes
    assert "My vehicles" in _labels(_header(admin))


def test_roles_kept_from_another_database_are_not_read(monkeypatch):
    # Another checkout's server on the same Redis, whose user with this id is a brand admin.
    person = UserFactory()
    monkeypatch.setattr(hima_cache, "database_namespace", lambda: "hima_elsewhere:16384")
    elsewhere = Roles(owns_vehicles=True, brand_admin=True, outlets=("SH-X-01",), managed=())
    cache.set(roles_key(person.pk), elsewhere)
    monkeypatch.undo()

    labels = _labels(_header(person))
    assert "Audit dashboard" not in labels
    assert not any("SH-X-01" in label for label in labels)


def test_a_person_with_every_role_sees_each_roles_links():
    person = UserFactory()
    VehicleFactory(owner=person)
    BrandMembershipFactory(user=person, brand=Brand.objects.get(code="AITO"))
    OutletMembershipFactory(user=person, outlet=OutletFactory(code="SH-NAV-01"), role=Role.ADVISOR)
    labels = _labels(_header(person))
    for label in ["Board", "Audit dashboard", "My vehicles", "My bookings", "My data"]:
        assert label in labels


def test_an_alliance_admin_sees_the_boards_and_the_dashboard():
    labels = _labels(_header(AdminFactory()))
    assert "Boards" in labels
    assert "Audit dashboard" in labels
    assert "My vehicles" not in labels


def test_the_roles_cost_one_query_and_none_once_cached(django_assert_num_queries):
    person = UserFactory()
    VehicleFactory(owner=person)
    BrandMembershipFactory(user=person, brand=Brand.objects.get(code="AITO"))
    for code in ["SH-NAV-01", "SH-NAV-02"]:
        OutletMembershipFactory(user=person, outlet=OutletFactory(code=code), role=Role.MANAGER)
    client = Client()
    client.force_login(person)
    # The home page reads nothing but the session and the user; the roles add one query.
    with django_assert_num_queries(3):
        client.get("/")
    with django_assert_num_queries(2):
        client.get("/")
