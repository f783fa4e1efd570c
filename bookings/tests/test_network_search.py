"""Network search: where and when can this car be served soonest, in a bounded number of queries."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability.network import NETWORK_CHUNK, earliest_near
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import Capability
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HERE = (31.230416, 121.473701)  # People's Square
NOW = dt.datetime(2027, 3, 1, 20, 0, tzinfo=SHANGHAI)  # Monday evening
TOMORROW = dt.date(2027, 3, 2)
KM_PER_DEGREE = 111.195  # along a meridian


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60)


def outlet_north(code: str, km: float, services, **kwargs):
    """An outlet `km` due north of HERE with one general bay."""
    outlet = OutletFactory(
        code=code,
        latitude=Decimal(str(round(HERE[0] + km / KM_PER_DEGREE, 6))),
        longitude=Decimal(str(HERE[1])),
        services=services,
        **kwargs,
    )
    BayFactory(outlet=outlet)
    return outlet


def fill(outlet, *, days: int) -> None:
    """Book the outlet's only bay for whole days: it is full."""
    bay = outlet.bays.get()
    vehicle = VehicleFactory()
    Booking.objects.bulk_create(
        Booking(
            reference=f"HS-F{outlet.pk:02d}{n:03d}",
            owner=vehicle.owner,
            vehicle=vehicle,
            outlet=outlet,
            bay=bay,
            start=at(TOMORROW + dt.timedelta(days=n), 9),
            end=at(TOMORROW + dt.timedelta(days=n), 18),
            bay_released_at=at(TOMORROW + dt.timedelta(days=n), 18),
        )
        for n in range(days)
    )


@pytest.fixture
def network(oil):
    """Nearest first: unauthorized, full, closed tomorrow, free, free far away, and one that
    does not offer the service."""
    tyres = ServiceTypeFactory(code="t-tyres")
    outlet_north("A-LUXEED-ONLY", 1, [oil], brands=[brand("LUXEED")])
    fill(outlet_north("B-FULL", 2, [oil]), days=20)
    closed = outlet_north("C-CLOSED-TUE", 3, [oil])
    ClosureFactory(outlet=closed, date=TOMORROW)
    outlet_north("D-FREE-NEAR", 10, [oil])
    outlet_north("E-FREE", 30, [oil])
    outlet_north("F-FAR-FREE", 1000, [oil], city="Beijing")
    outlet_north("G-NO-OIL", 0.5, [tyres])
    outlet_north("H-INACTIVE", 0.2, [oil], is_active=False)


def search(services, **kwargs):
    if "brand" not in kwargs:
        kwargs["brand"] = brand("AITO")
    kwargs.setdefault("now", NOW)
    return earliest_near(latitude=HERE[0], longitude=HERE[1], services=services, **kwargs)


def test_soonest_first_then_nearest_skipping_full_and_unauthorized(network, oil):
    slots = search([oil])

    assert [(s.outlet.code, s.earliest_start.isoformat()) for s in slots] == [
        ("D-FREE-NEAR", "2027-03-02T09:00:00+08:00"),
        ("E-FREE", "2027-03-02T09:00:00+08:00"),
        ("F-FAR-FREE", "2027-03-02T09:00:00+08:00"),
        ("C-CLOSED-TUE", "2027-03-03T09:00:00+08:00"),
    ]
    assert [round(s.distance_km) for s in slots] == [10, 30, 1000, 3]


def test_limit_keeps_the_nearest_outlets_with_a_free_start_then_sorts_them_soonest_first(
    network, oil
):
    # Outward from HERE: B-FULL (2 km) has no free start, C-CLOSED-TUE (3 km) has one on
    # Wednesday, D-FREE-NEAR (10 km) on Tuesday; E-FREE (30 km) is further than both.
    slots = search([oil], limit=2)

    assert [(s.outlet.code, s.earliest_start) for s in slots] == [
        ("D-FREE-NEAR", at(TOMORROW, 9)),
        ("C-CLOSED-TUE", at(TOMORROW + dt.timedelta(days=1), 9)),
    ]


def test_a_near_outlet_that_opens_later_is_kept_over_a_far_one_that_opens_sooner(oil):
    near = outlet_north("NEAR-LATER", 1, [oil])
    for n in range(3):
        ClosureFactory(outlet=near, date=TOMORROW + dt.timedelta(days=n))
    outlet_north("FAR-SOONER", 50, [oil])
    friday = TOMORROW + dt.timedelta(days=3)

    nearest = search([oil], limit=1)
    both = search([oil], limit=5)

    assert [(s.outlet.code, s.earliest_start) for s in nearest] == [("NEAR-LATER", at(friday, 9))]
    assert [(s.outlet.code, s.earliest_start) for s in both] == [
        ("FAR-SOONER", at(TOMORROW, 9)),
        ("NEAR-LATER", at(friday, 9)),
    ]
    assert [round(s.distance_km) for s in both] == [50, 1]


def test_the_walk_outward_goes_past_a_first_chunk_with_no_free_start(
    oil, django_assert_max_num_queries
):
    # More shut outlets nearby than the first chunk holds (no opening hours: never a start).
    for n in range(NETWORK_CHUNK + 5):
        outlet_north(f"SHUT-{n:02d}", 1 + n, [oil], hours=[])
    outlet_north("OPEN-FURTHER", 100, [oil])
    aito = brand("AITO")

    # Two chunks: each is the candidates, then hours, closures, bays and bookings.
    with django_assert_max_num_queries(10):
        slots = search([oil], brand=aito, limit=1)

    assert [s.outlet.code for s in slots] == ["OPEN-FURTHER"]


def test_the_walk_outward_stops_after_a_bounded_number_of_chunks(
    oil, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("bookings.availability.network.NETWORK_CHUNK", 4)
    monkeypatch.setattr("bookings.availability.network.NETWORK_MAX_CHUNKS", 2)
    for n in range(2 * 4):  # two chunks of 4 (limit 1: max(4 × 1, 4))
        outlet_north(f"SHUT-{n:02d}", 1 + n, [oil], hours=[])
    outlet_north("OPEN-BEYOND", 100, [oil])
    aito = brand("AITO")

    with django_assert_max_num_queries(2 * 5):
        assert search([oil], brand=aito, limit=1) == []
    monkeypatch.setattr("bookings.availability.network.NETWORK_MAX_CHUNKS", 3)
    assert [s.outlet.code for s in search([oil], limit=1)] == ["OPEN-BEYOND"]


def test_outlets_without_a_suitable_bay_are_not_candidates(oil):
    battery = ServiceTypeFactory(code="t-battery", capability=Capability.EV_BATTERY)
    outlet_north("GENERAL-ONLY", 1, [oil, battery])  # offers it, but no battery bay
    equipped = outlet_north("EQUIPPED", 20, [oil, battery])
    BayFactory(outlet=equipped, capabilities=[Capability.EV_BATTERY, Capability.GENERAL])

    assert [s.outlet.code for s in search([battery], limit=1)] == ["EQUIPPED"]


def test_the_other_brand_sees_its_own_outlet(network, oil):
    slots = search([oil], brand=brand("LUXEED"))

    assert slots[0].outlet.code == "A-LUXEED-ONLY"


def test_the_vehicles_own_booking_pushes_every_outlet_later(network, oil):
    vehicle = VehicleFactory(model=vehicle_model("aito-m7"))
    BookingFactory(vehicle=vehicle, start=at(TOMORROW, 9), services=[oil])

    slots = search([oil], vehicle=vehicle)

    assert {s.earliest_start for s in slots[:3]} == {at(TOMORROW, 10)}


def test_a_full_outlet_frees_up_when_a_booking_is_cancelled(network, oil):
    Booking.objects.filter(outlet__code="B-FULL", start=at(TOMORROW, 9)).update(
        status=Booking.Status.CANCELLED
    )

    assert search([oil])[0].outlet.code == "B-FULL"


def test_query_count_does_not_grow_with_the_network(oil, django_assert_max_num_queries):
    aito = brand("AITO")
    outlet_north("ONE", 5, [oil])
    with CaptureQueriesContext(connection) as small:
        assert len(search([oil], brand=aito)) == 1

    for n in range(12):
        fill(outlet_north(f"MORE-{n:02d}", 6 + n, [oil]), days=n)
    vehicle = VehicleFactory(model=vehicle_model("aito-m7"))
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as large:
        slots = search([oil], brand=aito, vehicle=vehicle, limit=20)

    assert len(slots) == 13
    assert len(large) - 1 == len(small)  # the vehicle's own bookings: one more query
