"""Cached availability answers (bookings.availability.answers): asked again, an answer comes from
the cache with one query (its outlets' versions); after any write at its outlet, the next ask is
computed afresh."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from outlets.models import Closure
from outlets.services import closure_create
from outlets.tests.factories import ClosureFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("versions_counted_at_once")]


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.AVAILABILITY_CACHE_SECONDS = 60


@pytest.fixture
def outlet(world):
    """Nanshan: one bay, so one booking takes a start away."""
    return world.other_outlet


def week_of(world, outlet, day: dt.date | None = None, **params) -> dict:
    day = day or world.start(10).date()
    response = world.api("anonymous").get(
        f"/api/v1/outlets/{outlet.code}/availability/",
        {
            "service": world.service.code,
            "brand": "LUXEED",
            "date_from": day,
            "date_to": day,
            **params,
        },
    )
    assert response.status_code == 200, response.json()
    return response.json()


def starts(answer: dict) -> list[str]:
    return [start for day in answer["days"] for start in day["starts"]]


def queries_of(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def book(world, outlet, start: dt.datetime, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = world.api("owner").post(
            "/api/v1/bookings/",
            world.payload(outlet=outlet.code, start=start.isoformat()),
            format="json",
        )
    assert response.status_code == 201, response.json()
    return response.json()["reference"]


def test_the_same_question_again_is_answered_from_the_cache(world, outlet):
    first, computing = queries_of(lambda: week_of(world, outlet))

    again, queries = queries_of(lambda: week_of(world, outlet))

    assert again == first
    assert computing > 1
    assert queries == 1  # the outlet's version


def test_another_question_is_computed(world, outlet):
    week_of(world, outlet)

    other, queries = queries_of(lambda: week_of(world, outlet, lang="zh-hans"))

    assert queries > 1
    assert starts(other) == starts(week_of(world, outlet))


def test_a_start_booked_is_gone_from_the_next_answer_and_back_once_cancelled(
    world, outlet, django_capture_on_commit_callbacks
):
    ten = world.start(10)
    assert ten.isoformat() in starts(week_of(world, outlet))

    reference = book(world, outlet, ten, django_capture_on_commit_callbacks)
    assert ten.isoformat() not in starts(week_of(world, outlet))

    with django_capture_on_commit_callbacks(execute=True):
        world.api("owner").post(f"/api/v1/bookings/{reference}/cancel/", {})
    assert ten.isoformat() in starts(week_of(world, outlet))


def test_a_reschedule_frees_the_old_start_and_takes_the_new_one(
    world, outlet, django_capture_on_commit_callbacks
):
    ten, fifteen = world.start(10), world.start(15)
    reference = book(world, outlet, ten, django_capture_on_commit_callbacks)
    assert fifteen.isoformat() in starts(week_of(world, outlet))

    with django_capture_on_commit_callbacks(execute=True):
        response = world.api("owner").post(
            f"/api/v1/bookings/{reference}/reschedule/", {"start": fifteen.isoformat()}
        )
    assert response.status_code == 200, response.json()

    after = starts(week_of(world, outlet))
    assert ten.isoformat() in after
    assert fifteen.isoformat() not in after


def test_a_refused_booking_leaves_the_answer_cached(
    world, outlet, django_capture_on_commit_callbacks
):
    week_of(world, outlet)
    with django_capture_on_commit_callbacks(execute=True):
        refused = world.api("owner").post(
            "/api/v1/bookings/",
            world.payload(outlet=outlet.code, start=world.start(10).isoformat(), services=["nope"]),
            format="json",
        )
    assert refused.status_code == 400

    _, queries = queries_of(lambda: week_of(world, outlet))
    assert queries == 1


def test_a_closure_empties_the_day_at_once(world, outlet, django_capture_on_commit_callbacks):
    assert starts(week_of(world, outlet))

    with django_capture_on_commit_callbacks(execute=True):
        closure_create(outlet=outlet, date=world.start(10).date(), reason="Stocktake")

    assert starts(week_of(world, outlet)) == []


def test_an_admin_reopening_a_day_shows_it_again(
    world, outlet, alliance_admin, django_capture_on_commit_callbacks
):
    closure = ClosureFactory(outlet=outlet, date=world.start(10).date())
    assert starts(week_of(world, outlet)) == []
    request = RequestFactory().post("/admin/")
    request.user = alliance_admin

    with django_capture_on_commit_callbacks(execute=True):
        admin.site._registry[Closure].delete_model(request, closure)

    assert starts(week_of(world, outlet))


def test_a_start_that_comes_within_the_lead_time_drops_out_of_a_cached_answer(
    world, outlet, time_machine
):
    ten = world.start(10)
    time_machine.move_to(ten - dt.timedelta(hours=3), tick=False)
    assert ten.isoformat() in starts(week_of(world, outlet, ten.date()))

    time_machine.move_to(ten - dt.timedelta(minutes=59), tick=False)
    later, queries = queries_of(lambda: week_of(world, outlet, ten.date()))

    assert queries == 1
    assert ten.isoformat() not in starts(later)
    assert (ten + dt.timedelta(hours=1)).isoformat() in starts(later)


def test_the_default_week_moves_on_at_local_midnight(world, outlet, time_machine):
    midnight = world.start(0)
    time_machine.move_to(midnight - dt.timedelta(minutes=10), tick=False)
    world.api("anonymous").get(
        f"/api/v1/outlets/{outlet.code}/availability/",
        {"service": world.service.code, "brand": "LUXEED"},
    )

    time_machine.move_to(midnight + dt.timedelta(minutes=10), tick=False)
    answer = world.api("anonymous").get(
        f"/api/v1/outlets/{outlet.code}/availability/",
        {"service": world.service.code, "brand": "LUXEED"},
    )

    assert answer.json()["date_from"] == midnight.date().isoformat()


def owners_week(world, outlet, day: dt.date | None = None) -> dict:
    day = day or world.start(10).date()
    response = world.api("owner").get(
        f"/api/v1/outlets/{outlet.code}/availability/",
        {
            "service": world.service.code,
            "vehicle": world.vehicle.pk,
            "date_from": day,
            "date_to": day,
        },
    )
    assert response.status_code == 200, response.json()
    return response.json()


def computed_without_the_cache(settings, ask):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    try:
        return ask()
    finally:
        settings.AVAILABILITY_CACHE_SECONDS = 60


def test_an_owners_ask_shares_the_answer_for_the_cars_brand(world, outlet):
    for_the_brand = week_of(world, outlet)

    for_the_car, queries = queries_of(lambda: owners_week(world, outlet))

    assert for_the_car == for_the_brand
    assert queries == 2  # the car with its own bookings, the outlet's version


def test_an_owners_first_ask_is_cached_for_everyone_asking_for_the_brand(world, outlet):
    owners_week(world, outlet)

    for_the_brand, queries = queries_of(lambda: week_of(world, outlet))

    assert queries == 1
    assert starts(for_the_brand) == starts(owners_week(world, outlet))


def test_the_cars_booking_elsewhere_takes_the_starts_it_overlaps_from_the_cached_answer(
    world, outlet, settings, django_capture_on_commit_callbacks
):
    ten = world.start(10)
    week_of(world, outlet)  # cached for the brand

    book(world, world.outlet, ten, django_capture_on_commit_callbacks)  # the other outlet

    for_the_car = owners_week(world, outlet)
    assert ten.isoformat() in starts(week_of(world, outlet))
    assert ten.isoformat() not in starts(for_the_car)
    assert for_the_car == computed_without_the_cache(settings, lambda: owners_week(world, outlet))


@pytest.mark.parametrize(
    ("who", "vehicle", "status"),
    [
        ("anonymous", "mine", 401),
        ("owner", "not-a-number", 400),
        ("owner", "0", 400),
        ("owner", "theirs", 404),
        ("owner", "2000000000000000000000", 404),
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/outlets/SZ-NANSHAN-01/availability/", "/api/v1/availability/"]
)
def test_an_owners_ask_refused_says_what_a_computed_one_says(
    world, settings, who, vehicle, status, path
):
    theirs = VehicleFactory(model=vehicle_model("luxeed-s7"))
    named = {"mine": world.vehicle.pk, "theirs": theirs.pk}.get(vehicle, vehicle)
    params = {"service": world.service.code, "vehicle": named, "near": "31.23,121.47"}

    cached = world.api(who).get(path, params)
    computed = computed_without_the_cache(settings, lambda: world.api(who).get(path, params))

    assert cached.status_code == status
    assert (cached.status_code, cached.json()) == (computed.status_code, computed.json())


def test_with_the_cache_unreachable_every_ask_is_computed(world, outlet):
    unreachable = {
        "default": {
            "BACKEND": "hima_service.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):
        first = week_of(world, outlet)
        again, queries = queries_of(lambda: week_of(world, outlet))

    assert again == first
    assert queries > 1


# --- the network search -----------------------------------------------------------------------


def near(world) -> dict:
    response = world.api("anonymous").get(
        "/api/v1/availability/",
        {"near": "31.23,121.47", "service": world.service.code, "brand": "LUXEED", "limit": 2},
    )
    assert response.status_code == 200, response.json()
    return response.json()


def earliest(answer: dict) -> dict[str, str]:
    return {result["outlet"]["code"]: result["earliest_start"] for result in answer["results"]}


def test_the_network_search_again_is_answered_from_the_cache(world):
    first = near(world)

    again, queries = queries_of(lambda: near(world))

    assert again == first
    assert queries == 1  # the versions of the outlets it names


def test_taking_an_outlets_earliest_start_recomputes_the_network_answer(
    world, outlet, time_machine, django_capture_on_commit_callbacks
):
    nine = world.start(9)  # opening time: the earliest start
    time_machine.move_to(nine - dt.timedelta(hours=3), tick=False)
    assert earliest(near(world))[outlet.code] == nine.isoformat()

    book(world, outlet, nine, django_capture_on_commit_callbacks)

    after, queries = queries_of(lambda: earliest(near(world)))

    assert queries > 1
    assert dt.datetime.fromisoformat(after[outlet.code]) > nine


def test_a_network_answer_whose_earliest_start_has_come_too_close_is_computed_again(
    world, outlet, time_machine
):
    nine = world.start(9)  # opening time: the earliest start
    time_machine.move_to(nine - dt.timedelta(hours=3), tick=False)
    assert earliest(near(world))[outlet.code] == nine.isoformat()

    time_machine.move_to(nine - dt.timedelta(minutes=59), tick=False)
    after, queries = queries_of(lambda: earliest(near(world)))

    assert queries > 1
    assert dt.datetime.fromisoformat(after[outlet.code]) > nine


def owners_near(world) -> dict:
    response = world.api("owner").get(
        "/api/v1/availability/",
        {
            "near": "31.23,121.47",
            "service": world.service.code,
            "vehicle": world.vehicle.pk,
            "limit": 2,
        },
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_an_owners_network_search_is_the_brands_while_the_car_is_free_then(world):
    for_the_brand = near(world)

    for_the_car, queries = queries_of(lambda: owners_near(world))

    assert for_the_car == for_the_brand
    assert queries == 2  # the car with its own bookings, the outlets' versions


def test_a_car_booked_at_an_earliest_start_gets_an_answer_computed_for_it(
    world, outlet, settings, time_machine, django_capture_on_commit_callbacks
):
    nine = world.start(9)  # opening time: the earliest start at both outlets
    time_machine.move_to(nine - dt.timedelta(hours=3), tick=False)
    # Pudong has two bays: the car's booking there leaves Nanshan's earliest start to everyone
    # but this car.
    book(world, world.outlet, nine, django_capture_on_commit_callbacks)

    for_the_car = owners_near(world)

    assert earliest(near(world))[outlet.code] == nine.isoformat()
    assert dt.datetime.fromisoformat(earliest(for_the_car)[outlet.code]) > nine
    assert for_the_car == computed_without_the_cache(settings, lambda: owners_near(world))
