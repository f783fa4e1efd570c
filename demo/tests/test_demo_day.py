"""The demo network tried as a new user would, through the API with the demo logins: a Luxeed
owner books the Starry Night Service at the Pudong flagship, reschedules it and takes the .ics;
the outlet's advisor sees it in the queue and checks it in, a technician starts and completes it
with its checklist, and the owner rates it."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from bookings.models import Booking
from demo.network import DEMO_PASSWORD
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def login(username: str) -> APIClient:
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def evening_starts(owner: APIClient, vehicle_id: int, service: str) -> list[str]:
    days = owner.get(
        "/api/v1/outlets/SH-PUDONG-01/availability/",
        {
            "service": service,
            "vehicle": vehicle_id,
            "date_from": timezone.localdate() + dt.timedelta(days=2),
        },
    ).json()["days"]
    return [s for day in days for s in day["starts"] if 18 <= int(s[11:13]) < 20]


def test_a_demo_day_at_the_pudong_flagship(demo_network, time_machine):
    assert Booking.objects.filter(status="completed").count() > 300
    assert Booking.objects.filter(status="confirmed", owner__username__startswith="owner.").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
               ON a.id < b.id AND a.bay_id = b.bay_id
              AND tstzrange(a.start, a.bay_released_at) && tstzrange(b.start, b.bay_released_at)
              WHERE a.status IN ('confirmed','checked_in','in_service')
                AND b.status IN ('confirmed','checked_in','in_service')"""
        )
        assert cursor.fetchone()[0] == 0
    count = Booking.objects.count()
    seed_demo()
    assert Booking.objects.count() == count  # idempotent

    owner = login("owner.chen")
    luxeed = next(
        v
        for v in owner.get("/api/v1/vehicles/").json()["results"]
        if v["brand"]["code"] == "LUXEED"
    )
    service = "mnt-ac-service"
    first, *_, later = evening_starts(owner, luxeed["id"], service)
    booked = owner.post(
        "/api/v1/bookings/",
        {
            "vehicle": luxeed["id"],
            "outlet": "SH-PUDONG-01",
            "services": [service],
            "start": first,
            "mode": "night_service",
            "pickup_address": "100 Century Avenue, Pudong",
        },
        HTTP_IDEMPOTENCY_KEY="demo-day-1",
    )
    assert booked.status_code == 201, booked.json()
    reference = booked.json()["reference"]
    moved = owner.post(f"/api/v1/bookings/{reference}/reschedule/", {"start": later})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["start"] == later
    ics = Calendar.from_ical(owner.get(f"/api/v1/bookings/{reference}/calendar.ics").content)
    (event,) = ics.walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == later

    advisor, tech = login("advisor.sh-pudong"), login("tech.sh-pudong")
    day = later[:10]
    queue = advisor.get("/api/v1/outlets/SH-PUDONG-01/queue/", {"date": day}).json()
    assert reference in [e["booking"]["reference"] for e in queue["entries"]]
    base = f"/api/v1/bookings/{reference}"
    time_machine.move_to(dt.datetime.fromisoformat(later))  # the evening of the booking
    # Days later: yesterday's API tokens have expired, everyone signs in again.
    owner, advisor, tech = login("owner.chen"), login("advisor.sh-pudong"), login("tech.sh-pudong")
    assert advisor.post(f"{base}/check-in/", {"odometer_km": 10000}).status_code == 200
    assert tech.post(f"{base}/start/", {}).json()["status"] == "in_service"
    standard = next(s for s in owner.get("/api/v1/service-types/").json() if s["code"] == service)
    ready = tech.post(f"{base}/ready/", {"checklist": {service: standard["checklist"]}})
    assert ready.json()["status"] == "ready"
    done = tech.post(f"{base}/complete/", {})
    assert done.status_code == 200, done.json()
    assert owner.post(f"{base}/feedback/", {"rating": 5, "comment": "好"}).status_code == 201
    detail = owner.get(f"{base}/").json()
    assert detail["status"] == "completed"
    assert detail["feedback"]["rating"] == 5
    assert {n["kind"] for n in detail["notifications"]} >= {
        "confirmation",
        "rescheduled",
        "ready_for_pickup",
        "feedback_request",
    }
