"""The availability endpoints: the contract (shape, offsets, errors, 404s) and query counts."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.tests.factories import BookingFactory
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_day(days: int, tz: ZoneInfo = SHANGHAI) -> dt.date:
    return timezone.now().astimezone(tz).date() + dt.timedelta(days=days)


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60)


@pytest.fixture
def wash():
    return ServiceTypeFactory(code="t-wash", labour_minutes=30)


@pytest.fixture
def outlet(oil, wash):
    outlet = OutletFactory(
        code="SH-AITO-ONLY",
        services=[oil, wash],
        brands=[brand("AITO")],
        hours=[(dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))],
    )
    BayFactory(outlet=outlet)
    return outlet


def url(code: str = "SH-AITO-ONLY") -> str:
    return f"/api/v1/outlets/{code}/availability/"


def test_anyone_sees_a_week_of_starts_in_the_outlets_zone(api, outlet):
    day = local_day(2)

    response = api.get(url(), {"service": ["t-oil", "t-wash"], "date_from": day})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["outlet"] == "SH-AITO-ONLY"
    assert body["time_zone"] == "Asia/Shanghai"
    assert body["services"] == ["t-oil", "t-wash"]
    assert body["duration_minutes"] == 90
    assert [d["date"] for d in body["days"]] == [
        (day + dt.timedelta(days=n)).isoformat() for n in range(7)
    ]
    first = body["days"][0]["starts"]
    # 90 minutes: 10:30 is the last start before the lunch break.
    times = ("09:00", "09:30", "10:00", "10:30", "13:00")
    assert first[:5] == [f"{day.isoformat()}T{t}:00+08:00" for t in times]


def test_services_may_be_comma_separated(api, outlet):
    day = local_day(2)

    response = api.get(url(), {"service": "t-oil,t-wash", "date_from": day, "date_to": day})

    assert response.status_code == 200
    assert response.json()["duration_minutes"] == 90


def test_a_berlin_outlet_answers_with_its_own_offset(api, oil):
    outlet = OutletFactory(code="DE-BERLIN-01", time_zone="Europe/Berlin", services=[oil])
    BayFactory(outlet=outlet)
    day = local_day(3, ZoneInfo("Europe/Berlin"))

    body = api.get(url("DE-BERLIN-01"), {"service": "t-oil", "date_from": day}).json()

    offset = dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo("Europe/Berlin")).strftime("%z")
    assert body["days"][0]["starts"][0] == f"{day.isoformat()}T09:00:00{offset[:3]}:{offset[3:]}"


def test_my_vehicle_applies_its_own_bookings(owner_api, owner, outlet, oil):
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("aito-m7"))
    day = local_day(2)
    BookingFactory(
        vehicle=vehicle, start=dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
    )  # elsewhere

    response = owner_api.get(
        url(), {"service": "t-oil", "date_from": day, "date_to": day, "vehicle": vehicle.pk}
    )

    assert response.status_code == 200, response.json()
    starts = response.json()["days"][0]["starts"]
    assert f"{day}T09:00:00+08:00" in starts
    assert f"{day}T10:00:00+08:00" not in starts


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "no-such"}, "service"),
        ({}, "service"),
        ({"service": "t-brakes"}, "service"),  # exists, not offered here
        ({"service": "t-oil", "brand": "LUXEED"}, "brand"),
        ({"service": "t-oil", "brand": "NOPE"}, "brand"),
        ({"service": "t-oil", "date_from": "2027-03-01", "date_to": "2027-04-01"}, "date_to"),
        ({"service": "t-oil", "date_from": "2027-03-10", "date_to": "2027-03-09"}, "date_to"),
        ({"service": "t-oil", "date_from": "tomorrow"}, "date_from"),
        ({"service": "t-oil", "date_to": "2027-02-30"}, "date_to"),
        ({"service": "t-oil", "vehicle": "abc"}, "vehicle"),
    ],
    ids=[
        "unknown-service",
        "no-service",
        "not-offered",
        "brand-not-authorized",
        "unknown-brand",
        "over-31-days",
        "reversed",
        "unparsable-date",
        "impossible-date",
        "bad-vehicle-id",
    ],
)
def test_bad_queries_are_400s_naming_the_field(api, outlet, params, field):
    ServiceTypeFactory(code="t-brakes")

    response = api.get(url(), params)

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert list(body["fields"]) == [field]


def test_my_vehicle_of_an_unauthorized_brand_is_a_400(owner_api, owner, outlet):
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))

    response = owner_api.get(url(), {"service": "t-oil", "vehicle": vehicle.pk})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "vehicle": [f"{outlet.name} is not authorized to service Luxeed vehicles."]
    }


def test_someone_elses_vehicle_is_a_404(owner_api, outlet):
    theirs = VehicleFactory(model=vehicle_model("aito-m7"))

    response = owner_api.get(url(), {"service": "t-oil", "vehicle": theirs.pk})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_anonymous_with_a_vehicle_must_sign_in(api, outlet):
    response = api.get(url(), {"service": "t-oil", "vehicle": 1})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_outlet_is_a_404(api, outlet):
    response = api.get(url("XX-NOWHERE"), {"service": "t-oil"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "days"),
    [
        ({"date_from": "9999-12-30", "date_to": "9999-12-31"}, ["9999-12-30", "9999-12-31"]),
        ({"date_from": "9999-12-30"}, ["9999-12-30", "9999-12-31"]),  # the week stops at the end
        ({"date_to": "9999-12-31", "date_from": "9999-12-01"}, None),
        ({"date_from": "0001-01-01", "date_to": "0001-01-01"}, ["0001-01-01"]),
        ({"date_from": "0001-01-01"}, [f"0001-01-0{n}" for n in range(1, 8)]),
    ],
    ids=["last-two-days", "last-days-default-week", "last-31-days", "first-day", "first-week"],
)
def test_far_off_dates_answer_empty_days_without_loading_calendars(
    api, outlet, params, days, django_assert_max_num_queries
):
    # outlet, services, offered: the horizon is checked before any calendar is loaded.
    with django_assert_max_num_queries(3):
        response = api.get(url(), {"service": "t-oil", **params})

    assert response.status_code == 200, response.json()
    body = response.json()
    if days is not None:
        assert [d["date"] for d in body["days"]] == days
    assert body["date_from"] == body["days"][0]["date"]
    assert body["date_to"] == body["days"][-1]["date"]
    assert all(d["starts"] == [] for d in body["days"])


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "9999-12-31", "date_to": "9999-12-30"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"date_from": "10000-01-01"},
        {"date_to": "0000-12-31"},
    ],
    ids=["reversed-at-the-end", "whole-calendar", "year-10000", "year-0"],
)
def test_impossible_far_off_ranges_are_400s_naming_the_field(api, outlet, params):
    response = api.get(url(), {"service": "t-oil", **params})

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body) == {"code", "detail", "fields"}
    assert len(body["fields"]) == 1
    assert set(body["fields"]) <= {"date_from", "date_to"}


@pytest.mark.parametrize("code", ["sh-aito-only", "Sh-Aito-Only", "SH-AITO-ONLY"])
def test_the_outlet_code_is_case_insensitive(api, outlet, code):
    response = api.get(url(code), {"service": "t-oil", "date_from": local_day(2)})

    assert response.status_code == 200, response.json()
    assert response.json()["outlet"] == "SH-AITO-ONLY"


def test_codes_that_differ_only_by_case_prefer_the_exact_one(api, outlet, oil):
    twin = OutletFactory(code="sh-aito-only", name="Lower-case twin", services=[oil])
    BayFactory(outlet=twin)
    params = {"service": "t-oil", "date_from": local_day(2), "date_to": local_day(2)}

    exact_lower = api.get(url("sh-aito-only"), params)
    exact_upper = api.get(url("SH-AITO-ONLY"), params)
    mixed = api.get(url("Sh-Aito-Only"), params)

    assert exact_lower.json()["outlet"] == "sh-aito-only"
    assert exact_upper.json()["outlet"] == "SH-AITO-ONLY"
    assert mixed.status_code == 200, mixed.json()
    assert mixed.json()["outlet"] in {"sh-aito-only", "SH-AITO-ONLY"}


def test_a_week_costs_a_constant_number_of_queries(
    owner_api, owner, outlet, oil, django_assert_max_num_queries
):
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("aito-m7"))
    bay = outlet.bays.get()
    for n in range(20):
        start = dt.datetime.combine(local_day(2 + n % 7), dt.time(9 + n // 7), tzinfo=SHANGHAI)
        BookingFactory(outlet=outlet, bay=bay, start=start, services=[oil])

    # outlet, services, vehicle, offered, brand, hours, closures, bays, bookings, own bookings
    with django_assert_max_num_queries(10):
        response = owner_api.get(
            url(), {"service": "t-oil", "vehicle": vehicle.pk, "date_from": local_day(2)}
        )
    assert response.status_code == 200


# --- network search -------------------------------------------------------------------------

HERE = "31.230416,121.473701"


@pytest.fixture
def network(oil):
    near = OutletFactory(code="SH-NEAR", services=[oil])
    BayFactory(outlet=near)
    far = OutletFactory(
        code="BJ-FAR",
        city="Beijing",
        latitude=Decimal("39.904200"),
        longitude=Decimal("116.407400"),
        services=[oil],
    )
    BayFactory(outlet=far)
    luxeed = OutletFactory(code="SH-LUXEED", services=[oil], brands=[brand("LUXEED")])
    BayFactory(outlet=luxeed)


def test_network_search_by_brand_for_anyone(api, network):
    response = api.get("/api/v1/availability/", {"near": HERE, "service": "t-oil", "brand": "aito"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["brand"] == "AITO"
    assert body["within_days"] == 14
    results = body["results"]
    assert [r["outlet"]["code"] for r in results] == ["SH-NEAR", "BJ-FAR"]
    assert results[0]["distance_km"] == 0.0
    assert 1000 < results[1]["distance_km"] < 1100
    assert results[0]["earliest_start"].endswith("+08:00")
    assert results[0]["earliest_start"] == results[1]["earliest_start"]


def test_network_search_with_my_vehicle(owner_api, owner, network):
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))

    response = owner_api.get(
        "/api/v1/availability/", {"near": HERE, "service": "t-oil", "vehicle": vehicle.pk}
    )

    assert response.status_code == 200, response.json()
    # Same place, same earliest time: the two Shanghai outlets tie and come by code.
    assert [r["outlet"]["code"] for r in response.json()["results"]] == [
        "SH-LUXEED",
        "SH-NEAR",
        "BJ-FAR",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "31.2", "service": "t-oil", "brand": "AITO"}, "near"),
        ({"near": "91,0", "service": "t-oil", "brand": "AITO"}, "near"),
        ({"service": "t-oil", "brand": "AITO"}, "near"),
        ({"near": HERE, "service": "t-oil"}, "vehicle"),
        ({"near": HERE, "service": "nope", "brand": "AITO"}, "service"),
        ({"near": HERE, "service": "t-oil", "brand": "AITO", "limit": 21}, "limit"),
        ({"near": HERE, "service": "t-oil", "brand": "AITO", "limit": 0}, "limit"),
    ],
    ids=[
        "near-one-number",
        "near-out-of-range",
        "no-near",
        "no-vehicle",
        "bad-service",
        "limit-21",
        "limit-0",
    ],  # fmt: skip
)
def test_network_search_bad_queries_are_400s(api, network, params, field):
    response = api.get("/api/v1/availability/", params)

    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == [field]


def test_network_search_with_someone_elses_vehicle_is_a_404(owner_api, network):
    theirs = VehicleFactory(model=vehicle_model("aito-m7"))

    response = owner_api.get(
        "/api/v1/availability/", {"near": HERE, "service": "t-oil", "vehicle": theirs.pk}
    )

    assert response.status_code == 404


def test_network_search_queries_are_bounded(api, oil, network, django_assert_max_num_queries):
    for n in range(10):
        BayFactory(outlet=OutletFactory(code=f"SH-MORE-{n}", services=[oil]))

    # services, brand, pool, hours, closures, bays, bookings
    with django_assert_max_num_queries(7):
        response = api.get(
            "/api/v1/availability/",
            {"near": HERE, "service": "t-oil", "brand": "AITO", "limit": 20},
        )
    assert len(response.json()["results"]) == 12
