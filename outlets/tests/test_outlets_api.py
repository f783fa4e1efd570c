"""The public outlet search and detail: filters, distance ordering, content, query counts."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from outlets.models import Amenity, Capability, Outlet
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import brand

pytestmark = pytest.mark.django_db

URL = "/api/v1/outlets/"

# Real places: People's Square (Shanghai), West Lake (Hangzhou), Tiananmen (Beijing), Marienplatz.
SHANGHAI = (Decimal("31.230416"), Decimal("121.473701"))
HANGZHOU = (Decimal("30.259244"), Decimal("120.130382"))
BEIJING = (Decimal("39.908823"), Decimal("116.397470"))
MUNICH = (Decimal("48.137154"), Decimal("11.576124"))


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def place(code: str, city: str, where: tuple[Decimal, Decimal], **fields) -> Outlet:
    return OutletFactory(code=code, city=city, latitude=where[0], longitude=where[1], **fields)


@pytest.fixture
def network():
    oil = ServiceTypeFactory(code="t-oil")
    tyres = ServiceTypeFactory(code="t-tyres", category="tyre", capability=Capability.TYRE)
    return {
        "sh": place(
            "SH-PUDONG-01",
            "Shanghai",
            (Decimal("31.224300"), Decimal("121.544700")),
            services=[oil, tyres],
            amenities=[Amenity.DINING, Amenity.KIDS_AREA],
            night_service=True,
            night_capacity=4,
            kind=Outlet.Kind.FLAGSHIP,
        ),
        "hz": place("HZ-BINJIANG-01", "Hangzhou", HANGZHOU, services=[oil]),
        "bj": place(
            "BJ-YIZHUANG-01",
            "Beijing",
            BEIJING,
            services=[oil, tyres],
            brands=[brand("STELATO")],
            amenities=[Amenity.DINING],
            kind=Outlet.Kind.EXPRESS,
        ),
        "de": place(
            "DE-MUNICH-01",
            "Munich",
            MUNICH,
            services=[tyres],
            brands=[brand("AITO"), brand("LUXEED")],
            time_zone="Europe/Berlin",
            country="DE",
        ),
    }


def test_anyone_lists_outlets_paginated_with_brands_and_services(api, network):
    response = api.get(URL)
    body = response.json()
    assert body["count"] == 4
    assert codes(response) == sorted(o.code for o in network.values())
    sh = next(row for row in body["results"] if row["code"] == "SH-PUDONG-01")
    assert sh["brands"] == ["AITO", "LUXEED", "MAEXTRO", "SHANGJIE", "STELATO"]
    assert sh["services"] == ["t-oil", "t-tyres"]
    assert sh["night_service"] is True
    assert sh["night_capacity"] == 4
    assert sh["distance_km"] is None


def test_inactive_outlets_are_not_listed(api, network):
    Outlet.objects.filter(code="HZ-BINJIANG-01").update(is_active=False)
    assert "HZ-BINJIANG-01" not in codes(api.get(URL))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"city": "shanghai"}, ["SH-PUDONG-01"]),
        ({"city": "Munich"}, ["DE-MUNICH-01"]),
        ({"brand": "STELATO"}, ["BJ-YIZHUANG-01", "HZ-BINJIANG-01", "SH-PUDONG-01"]),
        ({"brand": "luxeed"}, ["DE-MUNICH-01", "HZ-BINJIANG-01", "SH-PUDONG-01"]),
        ({"service": "t-oil"}, ["BJ-YIZHUANG-01", "HZ-BINJIANG-01", "SH-PUDONG-01"]),
        ({"service": "t-tyres"}, ["BJ-YIZHUANG-01", "DE-MUNICH-01", "SH-PUDONG-01"]),
        ({"service": ["t-oil", "t-tyres"]}, ["BJ-YIZHUANG-01", "SH-PUDONG-01"]),
        ({"service": ["t-oil", "t-tyres"], "brand": "AITO"}, ["SH-PUDONG-01"]),
        ({"amenity": "dining"}, ["BJ-YIZHUANG-01", "SH-PUDONG-01"]),
        ({"amenity": ["dining", "kids_area"]}, ["SH-PUDONG-01"]),
        ({"night_service": "true"}, ["SH-PUDONG-01"]),
        ({"night_service": "false"}, ["BJ-YIZHUANG-01", "DE-MUNICH-01", "HZ-BINJIANG-01"]),
        ({"night_service": "True"}, ["SH-PUDONG-01"]),
        ({"night_service": "1"}, ["SH-PUDONG-01"]),
        ({"night_service": "0"}, ["BJ-YIZHUANG-01", "DE-MUNICH-01", "HZ-BINJIANG-01"]),
        (
            {"night_service": ""},
            ["BJ-YIZHUANG-01", "DE-MUNICH-01", "HZ-BINJIANG-01", "SH-PUDONG-01"],
        ),
        ({"kind": "express"}, ["BJ-YIZHUANG-01"]),
        ({"city": "Chongqing"}, []),
    ],
)
def test_filters(api, network, query, expected):
    assert codes(api.get(URL, query)) == expected


def test_near_sorts_by_great_circle_distance_in_km(api, network):
    """From People's Square: Pudong (~7 km), Hangzhou (~165 km), Beijing (~1070 km), Munich."""
    response = api.get(URL, {"near": f"{SHANGHAI[0]},{SHANGHAI[1]}"})
    assert codes(response) == ["SH-PUDONG-01", "HZ-BINJIANG-01", "BJ-YIZHUANG-01", "DE-MUNICH-01"]
    distances = [row["distance_km"] for row in response.json()["results"]]
    assert 5 < distances[0] < 10
    assert 150 < distances[1] < 180
    assert 1040 < distances[2] < 1100
    assert 8500 < distances[3] < 9100


def test_near_combines_with_filters(api, network):
    response = api.get(URL, {"near": f"{MUNICH[0]},{MUNICH[1]}", "service": "t-tyres"})
    assert codes(response) == ["DE-MUNICH-01", "BJ-YIZHUANG-01", "SH-PUDONG-01"]
    assert response.json()["results"][0]["distance_km"] == 0.0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"near": "shanghai"}, "near"),
        ({"near": "31.2"}, "near"),
        ({"near": "91,121"}, "near"),
        ({"near": "31,181"}, "near"),
        ({"near": "31,121,5"}, "near"),
        ({"brand": "TESLA"}, "brand"),
        ({"service": "no-such-service"}, "service"),
        ({"amenity": "sauna"}, "amenity"),
        ({"kind": "garage"}, "kind"),
        ({"night_service": "maybe"}, "night_service"),
        ({"night_service": "2"}, "night_service"),
        ({"night_service": "unknown"}, "night_service"),
    ],
)
def test_bad_filter_values_are_400_with_fields(api, network, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert set(body) == {"code", "detail", "fields"}


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count_is_constant(api, django_assert_max_num_queries, count):
    services = [ServiceTypeFactory(code=f"t-q{n}") for n in range(3)]
    for n in range(count):
        place(f"SH-Q-{n:02d}", "Shanghai", SHANGHAI, services=services, amenities=["dining"])
    # count, page, brands, services (+ the brand and service lookups of the filters)
    with django_assert_max_num_queries(4):
        response = api.get(URL, {"page_size": 100})
    assert len(codes(response)) == count
    with django_assert_max_num_queries(6):
        response = api.get(
            URL, {"page_size": 100, "near": "31.2,121.4", "brand": "aito", "service": "t-q1"}
        )
    assert len(codes(response)) == count


# --- detail ---


def test_detail_shows_hours_closures_services_bays_and_settings(api):
    zone = ZoneInfo("Asia/Shanghai")
    today = timezone.now().astimezone(zone).date()
    tyres = ServiceTypeFactory(
        code="t-align", name="Alignment", category="tyre", capability=Capability.TYRE
    )
    oil = ServiceTypeFactory(code="t-oil2", name="Oil", labour_minutes=45)
    outlet = OutletFactory(
        code="SH-DETAIL-01",
        services=[tyres, oil],
        brands=[brand("AITO"), brand("MAEXTRO")],
        hours=[(dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(18))],
        amenities=["charging", "business_lounge"],
        night_service=True,
        night_capacity=3,
        slot_step_minutes=15,
        turnover_minutes=10,
    )
    BayFactory(outlet=outlet, name="A1", capabilities=["general", "tyre"])
    BayFactory(outlet=outlet, name="A2", capabilities=["general"], is_active=False)
    ClosureFactory(outlet=outlet, date=today - dt.timedelta(days=3), reason="Past")
    ClosureFactory(outlet=outlet, date=today + dt.timedelta(days=9), reason="Training")

    response = api.get("/api/v1/outlets/SH-DETAIL-01/")

    assert response.status_code == 200
    body = response.json()
    assert body["brands"] == [
        {"code": "AITO", "name": "AITO"},
        {"code": "MAEXTRO", "name": "Maextro"},
    ]
    assert body["services"] == [
        {
            "code": "t-oil2",
            "name": "Oil",
            "name_zh": "",
            "category": "maintenance",
            "labour_minutes": 45,
            "capability": "general",
            "price": "399.00",
        },
        {
            "code": "t-align",
            "name": "Alignment",
            "name_zh": "",
            "category": "tyre",
            "labour_minutes": 60,
            "capability": "tyre",
            "price": "399.00",
        },
    ]
    assert len(body["hours"]) == 7
    assert body["hours"][0] == {
        "weekday": 0,
        "day": "Monday",
        "intervals": [{"opens": "08:30", "closes": "12:00"}, {"opens": "13:00", "closes": "18:00"}],
    }
    assert body["closures"] == [
        {"date": (today + dt.timedelta(days=9)).isoformat(), "reason": "Training", "reason_zh": ""}
    ]
    assert body["bays"] == [{"name": "A1", "name_zh": "", "capabilities": ["general", "tyre"]}]
    assert body["amenities"] == ["charging", "business_lounge"]
    assert body["night_service"] is True
    assert body["night_capacity"] == 3
    assert body["slot_step_minutes"] == 15
    assert body["turnover_minutes"] == 10
    assert body["time_zone"] == "Asia/Shanghai"
    assert "distance_km" not in body


def test_detail_shows_a_closed_day_as_no_intervals(api):
    outlet = OutletFactory(code="SH-SUNDAY-01", hours=[])
    outlet.opening_hours.create(weekday=0, opens=dt.time(9), closes=dt.time(17))
    hours = api.get("/api/v1/outlets/SH-SUNDAY-01/").json()["hours"]
    assert [len(day["intervals"]) for day in hours] == [1, 0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    "tz", ["Asia/Shanghai", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
)
def test_closures_ahead_start_today_in_the_outlets_own_zone(api, tz):
    outlet = OutletFactory(code="X-ZONE-01", time_zone=tz)
    today = timezone.now().astimezone(ZoneInfo(tz)).date()
    for offset in (-1, 0, 1):
        ClosureFactory(outlet=outlet, date=today + dt.timedelta(days=offset))
    closures = api.get("/api/v1/outlets/X-ZONE-01/").json()["closures"]
    assert [c["date"] for c in closures] == [
        today.isoformat(),
        (today + dt.timedelta(1)).isoformat(),
    ]


def test_detail_query_count_is_small(api, django_assert_max_num_queries):
    outlet = OutletFactory(code="SH-COUNT-01", services=[ServiceTypeFactory(code="t-c1")])
    BayFactory.create_batch(5, outlet=outlet)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/outlets/SH-COUNT-01/").status_code == 200


@pytest.mark.parametrize("path", ["NOWHERE-01", "sh-gone-01"])
def test_unknown_or_inactive_outlet_is_404_with_the_shape(api, path):
    OutletFactory(code="SH-GONE-01", is_active=False)
    response = api.get(f"/api/v1/outlets/{path}/")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert set(body) == {"code", "detail"}


def test_bad_night_service_names_the_field_and_the_accepted_values(api, network):
    response = api.get(URL, {"night_service": "maybe"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Some fields are not valid.",
        "fields": {"night_service": ["Use true or false."]},
    }


@pytest.mark.parametrize("path", ["sh-pudong-01", "Sh-Pudong-01", "SH-PUDONG-01"])
def test_detail_code_is_case_insensitive(api, network, path):
    response = api.get(f"/api/v1/outlets/{path}/")

    assert response.status_code == 200
    assert response.json()["code"] == "SH-PUDONG-01"


def test_detail_prefers_the_exact_code_when_two_differ_only_by_case(api, network):
    place("sh-pudong-01", "Shanghai", SHANGHAI, name="Lower-case twin")

    lower = api.get("/api/v1/outlets/sh-pudong-01/")
    upper = api.get("/api/v1/outlets/SH-PUDONG-01/")
    mixed = api.get("/api/v1/outlets/Sh-Pudong-01/")

    assert (lower.status_code, lower.json()["name"]) == (200, "Lower-case twin")
    assert (upper.status_code, upper.json()["code"]) == (200, "SH-PUDONG-01")
    assert mixed.status_code == 200
    assert mixed.json()["code"] in {"sh-pudong-01", "SH-PUDONG-01"}
