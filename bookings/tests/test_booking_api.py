import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from accounts.services import user_token
from bookings.models import Booking, BookingEvent, Notification
from bookings.tests.factories import BookingFactory
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def book(world, **overrides):
    return world.api("owner").post("/api/v1/bookings/", world.payload(**overrides))


def booking_in_90_minutes(world) -> Booking:
    """The owner's booking, inside the last two hours in which owners may still change it."""
    return BookingFactory(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=90),
        services=[world.service],
    )


def test_owner_books_a_service(world):
    response = book(world, notes="Squeak from the front left")
    assert response.status_code == 201, response.json()
    body = response.json()
    booking = Booking.objects.get(reference=body["reference"])
    assert body["reference"].startswith("HS-")
    assert body["status"] == "confirmed"
    assert body["start"] == world.start().isoformat()
    assert body["end"] == (world.start() + dt.timedelta(minutes=60)).isoformat()
    assert body["bay"]["name"] in {"B1", "B2"}
    assert body["services"][0]["code"] == "annual-maintenance"
    assert body["price_total"] == "399.00"
    assert body["vehicle"]["brand"] == "LUXEED"
    assert [e["kind"] for e in body["events"]] == ["created"]
    assert booking.owner == world.owner
    assert booking.channel == "online"
    assert Notification.objects.filter(booking=booking, kind="confirmation").exists()


def test_outlet_code_is_matched_in_any_case_and_the_exact_spelling_wins(world):
    twin = OutletFactory(code=world.outlet.code.lower(), services=[world.service])
    BayFactory(outlet=twin, name="T1")

    upper = book(world, outlet=world.outlet.code)
    lower = book(world, outlet=twin.code, start=world.start(hour=14).isoformat())
    # (another car: one car holds at most 2 upcoming bookings)
    second_car = VehicleFactory(owner=world.owner, model=world.vehicle.model)
    mixed = book(
        world,
        outlet="Sh-Pudong-01",
        start=world.start(hour=16).isoformat(),
        vehicle=second_car.pk,
    )

    assert upper.status_code == lower.status_code == mixed.status_code == 201
    assert Booking.objects.get(reference=upper.json()["reference"]).outlet == world.outlet
    assert Booking.objects.get(reference=lower.json()["reference"]).outlet == twin
    assert Booking.objects.get(reference=mixed.json()["reference"]).outlet in {world.outlet, twin}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vehicle": 999999}, "vehicle"),
        ({"outlet": "NOWHERE-01"}, "outlet"),
        ({"services": ["warp-drive"]}, "services"),
        ({"services": []}, "services"),
        ({"start": "2026-13-01T10:00:00+08:00"}, "start"),
        ({"start": "2030-01-01T10:00:00"}, "start"),  # no offset
        ({"mode": "teleport"}, "mode"),
        ({"mode": "pickup_delivery"}, "pickup_address"),
        ({"mode": "night_service", "pickup_address": "1 Road"}, "mode"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(world, overrides, field):
    response = book(world, **overrides)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not Booking.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "start",
    [
        lambda w: w.start(hour=7),  # before opening
        lambda w: w.start(hour=10) + dt.timedelta(minutes=10),  # off the slot step
        lambda w: w.start(hour=10, days=61),  # beyond the horizon
    ],
    ids=["before-opening", "off-step", "beyond-horizon"],
)
def test_rule_2_is_enforced_at_booking(world, start):
    response = book(world, start=start(world).isoformat())
    assert response.status_code == 400
    assert "start" in response.json()["fields"]


def test_another_owners_vehicle_cannot_be_booked(world):
    response = world.api("other_owner").post("/api/v1/bookings/", world.payload())
    assert response.status_code == 400
    assert response.json()["fields"] == {"vehicle": ["Unknown vehicle."]}


def test_status_owner_bay_and_price_cannot_be_set_by_the_client(world):
    response = book(
        world, status="completed", owner=world.other_owner.pk, bay=999, price_total="1.00"
    )
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert booking.status == "confirmed"
    assert booking.owner == world.owner
    assert booking.price_total == world.service.price


def test_a_taken_time_is_a_409_slot_taken(world):
    for bay in world.bays:
        BookingFactory(outlet=world.outlet, bay=bay, start=world.start())
    response = book(world)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"


def test_the_same_vehicle_cannot_be_in_two_places(world):
    BookingFactory(vehicle=world.vehicle, outlet=world.other_outlet, bay=None, start=world.start())
    response = book(world)
    assert response.status_code == 409
    assert response.json()["code"] == "vehicle_busy"


def test_night_service_needs_an_outlet_offering_it_and_respects_capacity(world):
    world.outlet.night_service = True
    world.outlet.night_capacity = 1
    world.outlet.save()
    first = book(
        world,
        mode="night_service",
        pickup_address="8 Lujiazui Ring Rd",
        start=world.start(18).isoformat(),
    )
    assert first.status_code == 400  # 18:00 + 60 min does not fit hours ending 18:00
    world.outlet.opening_hours.update(closes=dt.time(23, 0))
    first = book(
        world,
        mode="night_service",
        pickup_address="8 Lujiazui Ring Rd",
        start=world.start(19).isoformat(),
    )
    assert first.status_code == 201, first.json()
    other = BookingFactory.build().vehicle
    other.owner = world.owner
    other.save()
    second = book(
        world,
        vehicle=other.pk,
        mode="night_service",
        pickup_address="8 Lujiazui Ring Rd",
        start=world.start(20).isoformat(),
    )
    assert second.status_code == 400
    assert "start" in second.json()["fields"]
    daytime = book(
        world, mode="night_service", pickup_address="x", start=world.start(11).isoformat()
    )
    assert daytime.status_code == 400


def test_reschedule_moves_the_booking_and_writes_an_event(world):
    reference = book(world).json()["reference"]
    new_start = world.start(hour=14)
    response = world.api("owner").post(
        f"/api/v1/bookings/{reference}/reschedule/", {"start": new_start.isoformat()}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["start"] == new_start.isoformat()
    event = BookingEvent.objects.get(booking__reference=reference, kind="rescheduled")
    assert event.details["previous_start"] == world.start().isoformat()


def test_reschedule_into_a_full_slot_keeps_the_old_time(world):
    reference = book(world).json()["reference"]
    taken = world.start(hour=15)
    for bay in world.bays:
        BookingFactory(outlet=world.outlet, bay=bay, start=taken)
    response = world.api("owner").post(
        f"/api/v1/bookings/{reference}/reschedule/", {"start": taken.isoformat()}
    )
    assert response.status_code == 409
    booking = Booking.objects.get(reference=reference)
    assert booking.start == world.start()
    assert not booking.events.filter(kind="rescheduled").exists()


def test_owner_cannot_cancel_within_two_hours_but_staff_can(world):
    soon = booking_in_90_minutes(world)
    url = f"/api/v1/bookings/{soon.reference}/cancel/"
    refused = world.api("owner").post(url, {"reason": "changed plans"})
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"start": ["Less than 2 hours before the start."]}
    allowed = world.api("advisor").post(url, {"reason": "owner phoned"})
    assert allowed.status_code == 200
    assert allowed.json()["status"] == "cancelled"
    assert allowed.json()["cancel_reason"] == "owner phoned"


def test_cancel_frees_the_bay_for_someone_else(world):
    for bay in world.bays:
        BookingFactory(outlet=world.outlet, bay=bay, start=world.start())
    blocker = Booking.objects.first()
    assert book(world).status_code == 409
    world.api("admin").post(f"/api/v1/bookings/{blocker.reference}/cancel/", {})
    assert book(world).status_code == 201


def test_full_service_day_from_booking_to_rating(world, time_machine):
    booked = book(world).json()
    reference = booked["reference"]
    time_machine.move_to(world.start() - dt.timedelta(minutes=20))  # the car comes in early
    base = f"/api/v1/bookings/{reference}"
    advisor, technician, owner = world.api("advisor"), world.api("technician"), world.api("owner")
    assert advisor.post(f"{base}/check-in/", {"odometer_km": 13000}).status_code == 200
    started = technician.post(f"{base}/start/", {})
    assert started.status_code == 200
    assert started.json()["status"] == "in_service"
    # Started 20 minutes early: `start` is when the bay is used, the promise is kept beside it.
    assert started.json()["promised_start"] == booked["start"] == booked["promised_start"]
    assert started.json()["start"] < started.json()["promised_start"]
    # The workshop declares the car ready with the checklist ticked.
    incomplete = technician.post(
        f"{base}/ready/", {"checklist": {"annual-maintenance": ["Check brake fluid"]}}
    )
    assert incomplete.status_code == 400
    assert "checklist" in incomplete.json()["fields"]
    assert technician.post(f"{base}/ready/", {}).status_code == 400  # the checklist is needed
    ready = technician.post(
        f"{base}/ready/", {"checklist": {"annual-maintenance": world.service.checklist}}
    )
    assert ready.json()["status"] == "ready", ready.json()
    assert all(item["done"] for item in ready.json()["services"][0]["checklist_result"])
    done = technician.post(f"{base}/complete/", {"actual_labour_minutes": 55})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"
    assert done.json()["actual_labour_minutes"] == 55
    rated = owner.post(f"{base}/feedback/", {"rating": 5, "comment": "Fast and friendly"})
    assert rated.status_code == 201
    assert rated.json()["feedback"]["rating"] == 5
    again = owner.post(f"{base}/feedback/", {"rating": 1})
    assert again.status_code == 409
    world.vehicle.refresh_from_db()
    assert world.vehicle.odometer_km == 13000
    kinds = [(e["kind"], e["to_status"]) for e in owner.get(f"{base}/").json()["events"]]
    assert kinds == [
        ("created", "confirmed"),
        ("status", "checked_in"),
        ("status", "in_service"),
        ("status", "ready"),
        ("status", "completed"),
        ("feedback", ""),
    ]


def test_feedback_rating_must_be_one_to_five(world):
    booking = BookingFactory(
        owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, status="completed"
    )
    response = world.api("owner").post(
        f"/api/v1/bookings/{booking.reference}/feedback/", {"rating": 6}
    )
    assert response.status_code == 400
    assert "rating" in response.json()["fields"]


def test_feedback_only_when_completed(world):
    booking = BookingFactory(owner=world.owner, vehicle=world.vehicle, outlet=world.outlet)
    response = world.api("owner").post(
        f"/api/v1/bookings/{booking.reference}/feedback/", {"rating": 4}
    )
    assert response.status_code == 409


def test_calendar_export_is_a_valid_event_at_the_right_instant(world):
    reference = book(world).json()["reference"]
    response = world.api("owner").get(f"/api/v1/bookings/{reference}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == world.start()
    assert str(event.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=60)
    assert world.outlet.address in str(event["location"])
    assert reference in str(event["summary"])
    assert calendar.walk("VTIMEZONE")
    assert event.decoded("sequence") == 0


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Pudong Service Centre",
                "1 Century Avenue",
                "Annual maintenance",
                "Vehicle: Luxeed S7",
            ],
        ),
        ("zh-hans", ["浦东服务中心", "世纪大道1号", "年度保养", "车辆：智界S7"]),
    ],
)
def test_the_calendar_file_is_in_the_owner_s_language(world, language, words):
    outlet = world.outlet
    outlet.address, outlet.name_zh, outlet.address_zh = (
        "1 Century Avenue",
        "浦东服务中心",
        "世纪大道1号",
    )
    outlet.save()
    world.service.name_zh = "年度保养"
    world.service.save()
    world.owner.language = language
    world.owner.save()
    reference = book(world).json()["reference"]
    # Signed in with a token, as an owner's app is: the sign-in sets the owner's language.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {user_token(user=world.owner).token}")

    response = api.get(f"/api/v1/bookings/{reference}/calendar.ics")

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    text = "\n".join(str(event[name]) for name in ["summary", "location", "description"])
    assert all(word in text for word in words), text


def test_calendar_revision_grows_with_each_reschedule(world):
    reference = book(world).json()["reference"]
    api = world.api("owner")
    api.post(f"/api/v1/bookings/{reference}/reschedule/", {"start": world.start(15).isoformat()})
    calendar = Calendar.from_ical(api.get(f"/api/v1/bookings/{reference}/calendar.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == world.start(15)


def test_list_filters_by_status_outlet_brand_and_date(world):
    mine = BookingFactory(owner=world.owner, vehicle=world.vehicle, outlet=world.outlet)
    BookingFactory(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        status="cancelled",
        start=world.start(days=3),
    )
    api = world.api("owner")
    by_status = api.get("/api/v1/bookings/", {"status": "confirmed"}).json()
    assert [b["reference"] for b in by_status["results"]] == [mine.reference]
    tomorrow = world.start().date().isoformat()
    by_date = api.get("/api/v1/bookings/", {"date_from": tomorrow, "date_to": tomorrow}).json()
    assert [b["reference"] for b in by_date["results"]] == [mine.reference]
    assert api.get("/api/v1/bookings/", {"brand": "AITO"}).json()["count"] == 0
    assert api.get("/api/v1/bookings/", {"outlet": world.outlet.code}).json()["count"] == 2
    bad = api.get("/api/v1/bookings/", {"status": "flying"})
    assert bad.status_code == 400
    assert "status" in bad.json()["fields"]


@pytest.mark.parametrize("count", [1, 100])
def test_list_query_count_is_constant(world, count, django_assert_max_num_queries):
    for day in range(count):
        BookingFactory(
            owner=world.owner,
            vehicle=world.vehicle,
            outlet=world.outlet,
            bay=world.bays[0],
            start=world.start(days=1 + day % 50, hour=9 + day // 50),
        )
    api = world.api("owner")
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/bookings/", {"page_size": 100})
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 100])
def test_staff_list_query_count_is_constant(world, count, django_assert_max_num_queries):
    for day in range(count):
        BookingFactory(
            outlet=world.outlet,
            bay=world.bays[0],
            start=world.start(days=1 + day % 50, hour=9 + day // 50),
        )
    api = world.api("advisor")
    with django_assert_max_num_queries(7):
        response = api.get("/api/v1/bookings/", {"page_size": 100})
    assert response.json()["count"] == count


def test_list_dates_are_the_outlets_own_days(world):
    munich = OutletFactory(code="DE-MUNICH-01", time_zone="Europe/Berlin")
    day = world.start().date()
    late_evening = dt.datetime.combine(day, dt.time(23, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    booking = BookingFactory(
        owner=world.owner, vehicle=world.vehicle, outlet=munich, start=late_evening
    )
    api = world.api("owner")

    def on(d):
        found = api.get("/api/v1/bookings/", {"date_from": d, "date_to": d}).json()["results"]
        return [b["reference"] for b in found]

    # 23:30 in Munich is already the next morning in Shanghai: the outlet's day counts.
    assert on(day.isoformat()) == [booking.reference]
    assert on((day + dt.timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize(
    "params", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}, {"date_from": "9999-12-31"}]
)
def test_list_dates_at_the_ends_of_the_calendar_are_field_errors(world, params):
    response = world.api("owner").get("/api/v1/bookings/", params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_a_start_at_the_ends_of_the_calendar_is_a_field_error(world, start):
    created = book(world, start=start)
    assert created.status_code == 400
    assert "start" in created.json()["fields"]
    booking = BookingFactory(owner=world.owner, vehicle=world.vehicle, outlet=world.outlet)
    moved = world.api("owner").post(
        f"/api/v1/bookings/{booking.reference}/reschedule/", {"start": start}
    )
    assert moved.status_code == 400
    assert "start" in moved.json()["fields"]


def test_a_nul_byte_in_a_reference_is_not_found(world):
    response = world.api("owner").get("/api/v1/bookings/HS-%00ABC/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_owner_reschedules_only_until_two_hours_before_the_start(world):
    soon = booking_in_90_minutes(world)
    url = f"/api/v1/bookings/{soon.reference}/reschedule/"
    refused = world.api("owner").post(url, {"start": world.start(hour=15).isoformat()})
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"start": ["Less than 2 hours before the start."]}
    allowed = world.api("advisor").post(url, {"start": world.start(hour=15).isoformat()})
    assert allowed.status_code == 200, allowed.json()
    assert allowed.json()["start"] == world.start(hour=15).isoformat()


def reminders(reference):
    return Notification.objects.filter(
        booking__reference=reference, kind__in=["reminder_24h", "reminder_2h"]
    )


def test_rescheduling_moves_the_pending_reminders(world):
    reference = book(world).json()["reference"]
    later = world.start(days=2)
    moved = world.api("owner").post(
        f"/api/v1/bookings/{reference}/reschedule/", {"start": later.isoformat()}
    )
    assert moved.status_code == 200
    pending = {(n.kind, n.channel): n.due_at for n in reminders(reference).filter(status="pending")}
    assert pending
    assert {kind for kind, _ in pending} == {"reminder_24h", "reminder_2h"}
    for (kind, _), due in pending.items():
        ahead = dt.timedelta(hours=24 if kind == "reminder_24h" else 2)
        assert due == later - ahead
    assert Notification.objects.filter(booking__reference=reference, kind="rescheduled").exists()


def test_cancelling_skips_the_reminders_and_tells_the_owner(world):
    reference = book(world).json()["reference"]
    assert reminders(reference).filter(status="pending").exists()
    cancelled = world.api("owner").post(f"/api/v1/bookings/{reference}/cancel/", {})
    assert cancelled.status_code == 200
    assert set(reminders(reference).values_list("status", flat=True)) == {"skipped"}
    message = Notification.objects.filter(booking__reference=reference, kind="cancelled")
    assert set(message.values_list("status", flat=True)) == {"pending"}
    assert {n["kind"] for n in cancelled.json()["notifications"]} >= {"cancelled"}


def test_a_start_that_is_not_a_time_is_explained_in_the_owners_language(world):
    response = world.api("owner").post(
        "/api/v1/bookings/", world.payload(start="next tuesday"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    [message] = response.json()["fields"]["start"]
    assert message.startswith("不是 ISO-8601 格式的日期时间。")
