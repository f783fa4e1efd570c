"""The alternatives an outlet's picker offers: within a radius, and only when sooner."""

import datetime as dt

import pytest

from bookings.availability.network import earliest_near, sooner_near
from outlets.tests.factories import ServiceTypeFactory
from vehicles.tests.factories import brand

from .test_network_search import HERE, NOW, TOMORROW, at, fill, outlet_north

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60)


@pytest.fixture
def origin(oil):
    """An outlet at HERE, full tomorrow: its first free start is the day after, 09:00. Around
    it: one as full (not sooner), one free tomorrow nearby, one free tomorrow 150 km away."""
    here = outlet_north("O-ORIGIN", 0, [oil])
    fill(here, days=1)
    fill(outlet_north("N-ALSO-FULL", 5, [oil]), days=1)
    outlet_north("N-FREE-NEAR", 10, [oil])
    outlet_north("N-FREE-FAR", 150, [oil], city="Suzhou")
    return here


def sooner(origin, oil, **kwargs):
    kwargs.setdefault("first_free", at(TOMORROW + dt.timedelta(days=1), 9))
    kwargs.setdefault("max_km", 50)
    return sooner_near(
        outlet=origin, services=[oil], brand=brand("AITO"), vehicle=None, now=NOW, **kwargs
    )


def test_only_outlets_within_the_radius_and_sooner_than_the_chosen_one(origin, oil):
    assert [s.outlet.code for s in sooner(origin, oil)] == ["N-FREE-NEAR"]


def test_widening_the_radius_adds_the_farther_sooner_outlet(origin, oil):
    slots = sooner(origin, oil, max_km=200)
    assert [s.outlet.code for s in slots] == ["N-FREE-NEAR", "N-FREE-FAR"]
    assert all(s.earliest_start < at(TOMORROW + dt.timedelta(days=1), 9) for s in slots)


def test_nothing_is_sooner_than_a_start_that_comes_first(origin, oil):
    assert sooner(origin, oil, first_free=at(TOMORROW, 9), max_km=500) == []


def test_without_a_free_start_of_its_own_any_free_start_nearby_is_sooner(origin, oil):
    codes = [s.outlet.code for s in sooner(origin, oil, first_free=None)]
    assert codes == ["N-FREE-NEAR", "N-ALSO-FULL"]


def test_the_network_search_keeps_within_max_km(origin, oil):
    slots = earliest_near(
        latitude=HERE[0],
        longitude=HERE[1],
        services=[oil],
        brand=brand("AITO"),
        now=NOW,
        max_km=20,
    )
    assert {s.outlet.code for s in slots} == {"O-ORIGIN", "N-ALSO-FULL", "N-FREE-NEAR"}
    assert all(s.distance_km <= 20 for s in slots)
