import datetime as dt

import pytest
from django.utils import timezone

from bookings.lifecycle.feedback import feedback_leave
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking
from bookings.queue import outlet_queue
from bookings.tests.factories import BookingFactory, next_local, waiting_walk_in
from outlets.models import OpeningHours
from outlets.tests.factories import ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import brand, valid_vin

pytestmark = pytest.mark.django_db


def walk_in(world, **overrides):
    payload = {
        "vin": valid_vin(501, wmi="LVV"),
        "model": "luxeed-r7",
        "plate": "沪D55555",
        "services": [world.service.code],
        **overrides,
    }
    return world.api("advisor").post(f"/api/v1/outlets/{world.outlet.code}/walk-ins/", payload)


def test_walk_in_with_a_new_vin_creates_the_vehicle_and_takes_a_free_bay(world):
    response = walk_in(world)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "checked_in"
    assert body["channel"] == "walk_in"
    assert body["bay"] is not None
    vehicle = Vehicle.objects.get(vin=valid_vin(501, wmi="LVV"))
    # A car new to HIMA stays the outlet's counter customer until its owner is verified.
    assert vehicle.owner.is_counter_customer
    assert not vehicle.owner.is_active
    assert not vehicle.owner.has_usable_password()
    assert body["owner"]["name"] == "counter customer"


def test_a_walk_ins_history_names_its_masked_owner_only_as_owner(world):
    """Staff of any outlet register a walk-in from a VIN and see its owner masked (李*): the
    owner's own events in its history must not give their username away."""
    world.owner.username = "li.hua.1988"
    world.owner.save()
    visit = walk_in_register(
        outlet=world.outlet,
        actor=world.advisor,
        vin=world.vehicle.vin,
        service_codes=[world.service.code],
    )
    Booking.objects.filter(pk=visit.pk).update(status=Booking.Status.COMPLETED)
    feedback_leave(booking=Booking.objects.get(pk=visit.pk), owner=world.owner, rating=4)
    body = world.api("advisor").get(f"/api/v1/bookings/{visit.reference}/").json()
    assert "li.hua.1988" not in str(body)
    assert [e["actor"] for e in body["events"]][-1] == "owner"
    assert world.advisor.username in [e["actor"] for e in body["events"]]


def test_walk_in_of_a_known_vehicle_reuses_it(world):
    response = walk_in(world, vin=world.vehicle.vin.lower(), model="")
    assert response.status_code == 201, response.json()
    assert response.json()["owner"]["id"] == world.owner.pk  # its verified owner
    assert Vehicle.objects.count() == 1


def test_walk_in_joins_the_waiting_line_when_every_bay_is_busy(world):
    now = timezone.now()
    for bay in world.bays:
        BookingFactory(
            outlet=world.outlet,
            bay=bay,
            status="in_service",
            start=now - dt.timedelta(minutes=10),
            started_at=now - dt.timedelta(minutes=10),
        )
    response = walk_in(world)
    assert response.status_code == 201
    assert response.json()["bay"] is None
    assert response.json()["status"] == "checked_in"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vin": "LVV12345678901234"}, "vin"),
        ({"model": ""}, "model"),
        ({"services": ["warp-drive"]}, "services"),
    ],
)
def test_walk_in_bad_input_is_a_field_error(world, overrides, field):
    response = walk_in(world, **overrides)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Booking.objects.exists()


def test_walk_in_needs_a_bay_that_can_do_the_work(world):

    paint = ServiceTypeFactory(code="paint-repair", capability="body_paint")
    world.outlet.services.add(paint)
    response = walk_in(world, services=["paint-repair"])
    assert response.status_code == 400
    assert "services" in response.json()["fields"]
    assert not Booking.objects.exists()


def test_walk_in_brand_not_authorized(world):

    world.outlet.brands.remove(brand("LUXEED"))
    response = walk_in(world)
    assert response.status_code == 400
    assert not Booking.objects.exists()
    assert not Vehicle.objects.filter(vin=valid_vin(501, wmi="LVV")).exists()


def test_queue_orders_the_day_and_estimates_the_waiting_line(world):
    now = next_local(12)  # a fixed noon at the outlet, so the whole scene is on one day
    running = BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        status="in_service",
        start=now - dt.timedelta(minutes=30),
        started_at=now - dt.timedelta(minutes=30),
    )
    later = BookingFactory(
        outlet=world.outlet, bay=world.bays[1], start=now + dt.timedelta(minutes=45)
    )
    waiting = waiting_walk_in(world.outlet, arrived=now - dt.timedelta(minutes=20))
    entries = {
        e.booking.reference: e for e in outlet_queue(outlet=world.outlet, day=now.date(), now=now)
    }
    assert entries[waiting.reference].waiting_minutes == 20
    # Bay 1 frees at now+30 min (an hour's work begun 30 min ago); bay 2 is booked from
    # now+45 min, so 60 minutes of work fit on bay 1 first.
    assert entries[waiting.reference].estimated_start == now + dt.timedelta(minutes=30)
    assert entries[later.reference].estimated_start == later.start
    assert not entries[later.reference].starts_on_a_later_day
    assert entries[running.reference].estimated_start is None


def _waiting_since_five(world, now):
    """A car checked in for 17:00 on its own free bay, still waiting at `now`."""
    return BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        status="checked_in",
        start=now.replace(hour=17),
        checked_in_at=now.replace(hour=16, minute=50),
    )


def test_a_car_still_waiting_at_closing_time_is_expected_at_the_next_opening(world):
    now = next_local(19)  # the outlet keeps 09:00-18:00 every day
    _waiting_since_five(world, now)
    [entry] = outlet_queue(outlet=world.outlet, day=now.date(), now=now)
    assert entry.estimated_start == now.replace(hour=9) + dt.timedelta(days=1)
    assert entry.starts_on_a_later_day


def test_the_next_opening_skips_a_closed_day(world):
    now = next_local(19)
    _waiting_since_five(world, now)
    ClosureFactory(outlet=world.outlet, date=now.date() + dt.timedelta(days=1))
    [entry] = outlet_queue(outlet=world.outlet, day=now.date(), now=now)
    assert entry.estimated_start == now.replace(hour=9) + dt.timedelta(days=2)


def test_a_walk_in_waiting_for_a_bay_after_closing_is_expected_at_the_next_opening(world):
    now = next_local(17, days=2)
    for bay in world.bays:  # both bays in service until 19:00, past closing time
        BookingFactory(
            outlet=world.outlet,
            bay=bay,
            status="in_service",
            start=now - dt.timedelta(hours=1),
            end=now + dt.timedelta(hours=2),
            bay_released_at=now + dt.timedelta(hours=2),
            started_at=now - dt.timedelta(hours=1),
        )
    walk_in = waiting_walk_in(world.outlet, arrived=now)
    entries = {e.booking.pk: e for e in outlet_queue(outlet=world.outlet, day=now.date(), now=now)}
    assert entries[walk_in.pk].estimated_start == now.replace(hour=9) + dt.timedelta(days=1)


def test_without_opening_hours_the_estimate_is_the_bays_own(world):
    now = next_local(19)
    _waiting_since_five(world, now)
    OpeningHours.objects.filter(outlet=world.outlet).delete()
    [entry] = outlet_queue(outlet=world.outlet, day=now.date(), now=now)
    assert entry.estimated_start == now


def test_queue_api_lists_the_day_in_start_order(world, django_assert_max_num_queries):
    for hour in (15, 9, 12):
        BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(hour=hour))
    BookingFactory(outlet=world.other_outlet, start=world.start(hour=10))
    with django_assert_max_num_queries(8):
        response = world.api("advisor").get(
            f"/api/v1/outlets/{world.outlet.code}/queue/", {"date": world.start().date()}
        )
    assert response.status_code == 200
    starts = [e["booking"]["start"] for e in response.json()["entries"]]
    assert starts == sorted(starts)
    assert len(starts) == 3
    assert starts[0].endswith("+08:00")


def test_staff_find_their_own_outlet_by_its_code_in_any_case(world):
    twin = OutletFactory(code=world.outlet.code.lower())
    BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(hour=9))
    BookingFactory(outlet=twin, start=world.start(hour=9))
    day = {"date": world.start().date()}

    for code in (world.outlet.code, "Sh-Pudong-01", twin.code):
        response = world.api("advisor").get(f"/api/v1/outlets/{code}/queue/", day)

        assert response.status_code == 200
        entries = response.json()["entries"]
        # Always the advisor's own outlet: the twin they are not staff of never shows.
        assert [e["booking"]["outlet"]["code"] for e in entries] == [world.outlet.code]


def test_the_exact_code_wins_when_two_outlets_differ_only_by_case(world):
    twin = OutletFactory(code=world.outlet.code.lower())
    BookingFactory(outlet=twin, start=world.start(hour=9))
    day = {"date": world.start().date()}

    upper = world.api("admin").get(f"/api/v1/outlets/{world.outlet.code}/queue/", day)
    lower = world.api("admin").get(f"/api/v1/outlets/{twin.code}/queue/", day)

    assert upper.json()["entries"] == []
    assert [e["booking"]["outlet"]["code"] for e in lower.json()["entries"]] == [twin.code]


def test_queue_bad_date_is_a_field_error(world):
    response = world.api("advisor").get(
        f"/api/v1/outlets/{world.outlet.code}/queue/", {"date": "tomorrow"}
    )
    assert response.status_code == 400
    assert "date" in response.json()["fields"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_queue_date_at_the_ends_of_the_calendar_is_a_field_error(world, day):
    response = world.api("advisor").get(
        f"/api/v1/outlets/{world.outlet.code}/queue/", {"date": day}
    )
    assert response.status_code == 400
    assert "date" in response.json()["fields"]


def test_todays_queue_carries_the_cars_still_here_from_earlier_days(world):
    now = next_local(9)
    yesterday = now - dt.timedelta(days=1)
    overran = BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        status="in_service",
        start=yesterday + dt.timedelta(hours=7),
        started_at=yesterday + dt.timedelta(hours=7),
    )
    uncollected = BookingFactory(
        outlet=world.outlet, bay=world.bays[1], status="ready", start=yesterday
    )
    BookingFactory(outlet=world.outlet, bay=world.bays[1], status="completed", start=yesterday)
    BookingFactory(outlet=world.outlet, bay=world.bays[1], status="no_show", start=yesterday)
    today = BookingFactory(
        outlet=world.outlet, bay=world.bays[1], start=now + dt.timedelta(hours=1)
    )

    board = [e.booking for e in outlet_queue(outlet=world.outlet, day=now.date(), now=now)]
    assert board == [uncollected, overran, today]
    # A past day's board is that day as it was booked, without later days' carry-over.
    past = [e.booking for e in outlet_queue(outlet=world.outlet, day=yesterday.date(), now=now)]
    assert overran in past
    assert today not in past


@pytest.mark.parametrize(
    "path", ["/api/v1/outlets/SH%00X/queue/", "/api/v1/outlets/SH%00X/walk-ins/"]
)
def test_a_nul_byte_in_the_outlet_code_is_not_found(world, path):
    response = world.api("advisor").get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
