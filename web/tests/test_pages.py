"""The owner pages through Django's test client: rules reached through the services, the
language rules, security headers, and a constant number of queries per page."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from accounts.services import user_token
from accounts.tests.factories import PASSWORD, UserFactory
from bookings.lifecycle.create import booking_create
from bookings.models import Booking, Feedback
from bookings.tests.factories import BookingFactory
from outlets.selectors import service_types_by_code
from outlets.tests.factories import ClosureFactory, OutletMembershipFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import valid_vin, vehicle_model
from web.owners.selectors import free_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


def _first_free(shop, *, index: int = 0):
    # For the service the confirm form books (_confirm_data): a shorter one's first start may
    # not leave the 90 minutes before the lunch break, depending on the time of day.
    annual = [s for s in shop.services if s.code == "mnt-annual"]
    days = free_days(outlet=shop.outlet, services=annual, vehicle=shop.vehicle)
    return [start for day in days for start in day.starts][index]


def _confirm_data(shop, start, **overrides) -> dict:
    return {
        "vehicle": shop.vehicle.pk,
        "service": ["mnt-annual"],
        "start": start.isoformat(),
        "mode": "drop_off",
        "pickup_address": "",
        "notes": "",
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


def test_home_is_the_front_door(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/sign-in/"' in response.content
    assert b'value="zh-hans"' in response.content  # the language switch


def test_security_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert not re.search(
        rb"<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=", response.content
    )


@pytest.mark.parametrize(
    ("accept", "expected"), [("zh-CN,zh;q=0.9", "zh-hans"), ("en-US,en;q=0.8", "en")]
)
def test_anonymous_visitors_get_accept_language(client, accept, expected):
    response = client.get("/sign-in/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == expected
    with translation.override(expected):
        assert translation.gettext("Sign in").encode() in response.content


def test_saved_language_beats_accept_language(shop, owner_client):
    shop.owner.language = "zh-hans"
    shop.owner.save()
    response = owner_client.get("/vehicles/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "zh-hans"
    assert "我的车辆".encode() in response.content


def test_the_switch_saves_the_choice_on_the_user(shop, owner_client):
    response = owner_client.post("/language/", {"language": "zh-hans", "next": "/bookings/"})
    assert response.status_code == 302
    assert response["Location"] == "/bookings/"
    shop.owner.refresh_from_db()
    assert shop.owner.language == "zh-hans"


def test_the_switch_keeps_an_anonymous_choice_in_a_cookie(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert response["Location"] == "/"  # never an open redirect
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"


def test_api_errors_follow_the_users_saved_language(shop):
    shop.owner.language = "zh-hans"
    shop.owner.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(shop.owner)}")
    response = api.post("/api/v1/vehicles/", {"vin": "ABC", "model": "aito-m7"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["vin"] == ["车架号（VIN）为 17 位（当前为 3 位）。"]


def test_api_errors_follow_accept_language_when_anonymous():
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "nobody", "password": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.json()["detail"] == "用户名或密码错误。"


def _token(user) -> str:
    return user_token(user=user).token


def test_create_account_signs_in_and_keeps_the_language(client):
    response = client.post(
        "/create-account/",
        {"username": "newbie", "password": "Harmony-2026!"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 302
    assert response["Location"] == "/vehicles/"
    assert client.get("/vehicles/").status_code == 200
    assert User.objects.get(username="newbie").language == "zh-hans"


def test_create_account_uses_the_api_rules(shop, client):
    response = client.post("/create-account/", {"username": "WEB-OWNER", "password": "123"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["username"] == ["This username is already taken."]
    weak = client.post("/create-account/", {"username": "fresh", "password": "123"})
    assert weak.context["form"].errors["password"]


def test_create_account_refuses_a_phone_that_is_not_one_next_to_its_field(client):
    response = client.post(
        "/create-account/", {"username": "phoney", "password": "Harmony-2026!", "phone": "abc"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "Enter a mobile number, e.g. 13800138000 or +8613800138000."
    ]
    assert not User.objects.filter(username="phoney").exists()


def test_a_username_longer_than_any_is_a_field_error_at_sign_in(client):
    response = client.post("/sign-in/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["username"]


def test_sign_in_and_wrong_password(shop, client):
    wrong = client.post("/sign-in/", {"username": "web-owner", "password": "nope"})
    assert wrong.status_code == 400
    assert b"Wrong username or password." in wrong.content
    right = client.post("/sign-in/", {"username": "web-owner", "password": PASSWORD})
    assert right.status_code == 302


def test_sign_in_takes_the_username_in_any_case_and_new_names_are_not_capitalised(shop, client):
    assert (
        client.post("/sign-in/", {"username": "Web-Owner", "password": PASSWORD}).status_code == 302
    )
    page = client.get("/create-account/").content.decode()
    [username] = re.findall(r'<input[^>]* name="username"[^>]*>', page)
    assert 'autocapitalize="none"' in username


def test_sign_in_page_shares_the_apis_account_lockout(shop, client, settings):
    for _ in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "web-owner", "password": "nope"})
    # Locked for the API too, and the right password does not get through while locked.
    api = APIClient().post(
        "/api/v1/auth/token/", {"username": "web-owner", "password": PASSWORD}, format="json"
    )
    assert api.status_code == 429
    refused = client.post("/sign-in/", {"username": "web-owner", "password": PASSWORD})
    assert refused.status_code == 429
    assert b"Too many failed sign-ins for this account" in refused.content
    assert b"<form" in refused.content  # the page itself, not a JSON body
    assert "_auth_user_id" not in client.session


def test_correct_sign_ins_are_never_counted(shop, client, settings):
    for _ in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT + 5):
        assert (
            client.post("/sign-in/", {"username": "web-owner", "password": PASSWORD}).status_code
            == 302
        )
        client.post("/sign-out/")


def test_create_account_is_throttled_at_the_api_rate(client):
    SimpleRateThrottle.THROTTLE_RATES = {"register": "2/hour"}
    try:
        for n in range(2):
            client.post("/create-account/", {"username": f"burst{n}", "password": "Harmony-2026!"})
            client.logout()
        refused = client.post(
            "/create-account/", {"username": "burst9", "password": "Harmony-2026!"}
        )
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert refused.status_code == 429
    assert b"Too many new accounts" in refused.content
    assert not User.objects.filter(username="burst9").exists()


def test_pages_need_sign_in(client):
    response = client.get("/bookings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_a_mistyped_vin_is_refused_with_the_apis_message(shop, owner_client):
    vin = valid_vin(77)
    typo = vin[:-1] + ("1" if vin[-1] != "1" else "2")
    response = owner_client.post(
        "/vehicles/add/",
        {"vin": typo, "model": vehicle_model("aito-m7").pk, "odometer_km": 10},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["vin"] == [
        "The check digit (position 9) does not match; please re-check the VIN."
    ]
    assert not Vehicle.objects.filter(vin=typo).exists()


def test_adding_and_editing_a_vehicle(shop, owner_client):
    vin = valid_vin(78)
    added = owner_client.post(
        "/vehicles/add/",
        {"vin": vin.lower(), "model": vehicle_model("aito-m9").pk, "odometer_km": 5},
    )
    assert added.status_code == 302, added.context["form"].errors
    vehicle = Vehicle.objects.get(vin=vin, owner=shop.owner)
    down = owner_client.post(f"/vehicles/{vehicle.pk}/edit/", {"plate": "x", "odometer_km": 1})
    assert down.context["form"].errors["odometer_km"] == [
        "The odometer cannot go down (it reads 5 km)."
    ]
    owner_client.post(f"/vehicles/{vehicle.pk}/edit/", {"plate": "沪b 1", "odometer_km": 900})
    vehicle.refresh_from_db()
    assert (vehicle.plate, vehicle.odometer_km) == ("沪B 1", 900)


def test_another_owners_vehicle_is_404(shop, owner_client):
    assert owner_client.get(f"/vehicles/{shop.stranger_vehicle.pk}/edit/").status_code == 404


def test_submitting_the_confirm_form_twice_books_once(shop, owner_client):
    data = _confirm_data(shop, _first_free(shop), mode="wait", notes="twice")
    first = owner_client.post("/outlets/SH-WEB-01/book/confirm/", data)
    second = owner_client.post("/outlets/SH-WEB-01/book/confirm/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    booking = Booking.objects.get(owner=shop.owner)
    assert (booking.mode, booking.notes) == ("wait", "twice")


def test_a_time_taken_meanwhile_says_so_and_offers_fresh_times(shop, owner_client):
    start = _first_free(shop)
    page = owner_client.get(
        "/outlets/SH-WEB-01/book/confirm/",
        {"vehicle": shop.vehicle.pk, "service": "mnt-annual", "start": start.isoformat()},
    )
    assert page.status_code == 200
    booking_create(
        owner=shop.stranger,
        vehicle=shop.stranger_vehicle,
        outlet=shop.outlet,
        services=service_types_by_code(["mnt-annual"]),
        start=start,
    )
    response = owner_client.post("/outlets/SH-WEB-01/book/confirm/", _confirm_data(shop, start))
    assert response.status_code == 409
    assert b"That time was just taken" in response.content
    offered = [s for day in response.context["days"] for s in day.starts]
    assert offered
    assert start not in offered
    assert not Booking.objects.filter(owner=shop.owner).exists()


def test_night_service_is_offered_only_where_the_outlet_has_it(shop, owner_client):
    start = _first_free(shop)
    query = {"vehicle": shop.vehicle.pk, "service": "mnt-annual", "start": start.isoformat()}
    here = owner_client.get("/outlets/SH-WEB-01/book/confirm/", query)
    assert b'value="night_service"' not in here.content
    forced = owner_client.post(
        "/outlets/SH-WEB-01/book/confirm/", _confirm_data(shop, start, mode="night_service")
    )
    assert forced.status_code == 400
    assert "mode" in forced.context["form"].errors


def test_pickup_needs_an_address_next_to_the_field(shop, owner_client):
    response = owner_client.post(
        "/outlets/SH-WEB-01/book/confirm/",
        _confirm_data(shop, _first_free(shop), mode="pickup_delivery"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["pickup_address"]


def test_bad_input_is_never_a_500(shop, owner_client):
    for url in [
        "/outlets/?near=abc&vehicle=x&service=nope&amenity=pool",
        "/outlets/SH-WEB-01/book/?vehicle=999999&service=nope",
        "/outlets/SH-WEB-01/book/confirm/?vehicle=1&service=x&start=yesterday",
        "/outlets/NOPE/",
        "/bookings/HS-NOPE00/",
    ]:
        assert owner_client.get(url).status_code in {200, 302, 400, 404}, url
    garbage = owner_client.post("/outlets/SH-WEB-01/book/confirm/", {"start": "2020-01-01T00:00"})
    assert garbage.status_code == 400


def test_another_owners_booking_is_404(shop, owner_client):
    theirs = BookingFactory(
        vehicle=shop.stranger_vehicle, outlet=shop.outlet, services=shop.services[:1]
    )
    for path in ["", "reschedule/", "calendar.ics"]:
        assert owner_client.get(f"/bookings/{theirs.reference}/{path}").status_code == 404
    assert owner_client.post(f"/bookings/{theirs.reference}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_cancel_inside_two_hours_is_refused_with_the_reason(shop, owner_client):
    soon = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        start=timezone.now() + dt.timedelta(hours=1),
        services=shop.services[:1],
    )
    response = owner_client.post(f"/bookings/{soon.reference}/cancel/", {"reason": ""})
    assert response.status_code == 400
    assert b"until 2 hours before the start" in response.content
    soon.refresh_from_db()
    assert soon.status == Booking.Status.CONFIRMED


def test_a_completed_visit_is_rated_once(shop, owner_client):
    done = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        status=Booking.Status.COMPLETED,
        services=shop.services[:1],
    )
    url = f"/bookings/{done.reference}/rate/"
    assert owner_client.post(url, {"rating": "5", "comment": "Quick"}).status_code == 302
    again = owner_client.post(url, {"rating": "1"})
    assert again.status_code == 400
    assert Feedback.objects.get(booking=done).rating == 5


def test_calendar_download(shop, owner_client):
    mine = BookingFactory(vehicle=shop.vehicle, outlet=shop.outlet, services=shop.services[:1])
    response = owner_client.get(f"/bookings/{mine.reference}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


@pytest.mark.parametrize("count", [1, 6])
def test_pages_load_in_a_constant_number_of_queries(
    shop, owner_client, django_assert_max_num_queries, count
):
    vehicles = [shop.vehicle]
    for n in range(count - 1):
        vehicles.append(
            Vehicle.objects.create(
                owner=shop.owner, vin=valid_vin(500 + n), model=shop.vehicle.model, model_year=2024
            )
        )
    for n, vehicle in enumerate(vehicles):
        BookingFactory(
            vehicle=vehicle,
            outlet=shop.outlet,
            bay=shop.outlet.bays.first(),
            start=_first_free(shop, index=n * 4),
            services=shop.services[:1],
        )
    reference = Booking.objects.filter(owner=shop.owner).first().reference
    pick = f"/outlets/SH-WEB-01/book/?vehicle={shop.vehicle.pk}&service=mnt-annual"
    search = f"/outlets/?vehicle={shop.vehicle.pk}&service=mnt-annual&amenity=dining"
    budgets = {
        "/": 3,
        "/vehicles/": 6,
        "/outlets/": 8,
        search: 30,
        "/outlets/SH-WEB-01/": 10,
        pick: 30,
        "/bookings/": 8,
        f"/bookings/{reference}/": 12,
        f"/bookings/{reference}/reschedule/": 20,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert owner_client.get(url).status_code == 200, url


def test_pick_a_time_shows_totals_days_and_soonest_nearby(shop, owner_client):
    # The chosen outlet is closed today and tomorrow, so the nearby one (open daily) is sooner
    # at any hour: "sooner nearby" offers only an outlet that is.
    today = shop.outlet.local_day(timezone.now())
    for n in range(2):
        ClosureFactory(outlet=shop.outlet, date=today + dt.timedelta(days=n), reason="Works")
    response = owner_client.get(
        "/outlets/SH-WEB-01/book/",
        {"vehicle": shop.vehicle.pk, "service": ["mnt-annual", "dgn-full-scan"]},
    )
    visit = response.context["visit"]
    assert visit.minutes == sum(s.labour_minutes for s in shop.services)
    assert visit.price == sum(s.price for s in shop.services)
    days = response.context["days"]
    assert 1 <= len(days) <= 14
    assert all(s.utcoffset().total_seconds() == 8 * 3600 for d in days for s in d.starts)
    assert {slot.outlet.code for slot in response.context["nearby"]} >= {"SH-WEB-02"}
    partial = owner_client.get(
        "/outlets/SH-WEB-01/book/",
        {"vehicle": shop.vehicle.pk, "service": "mnt-annual"},
        HTTP_HX_REQUEST="true",
    )
    assert b"<html" not in partial.content
    assert b'name="start"' in partial.content
    assert b'action="/outlets/SH-WEB-01/book/confirm/"' in partial.content


def test_the_outlet_zone_is_named_when_it_is_not_the_owners(shop, owner_client):
    shop.outlet.time_zone = "Europe/Berlin"
    shop.outlet.save()
    response = owner_client.get(
        "/outlets/SH-WEB-01/book/", {"vehicle": shop.vehicle.pk, "service": "mnt-annual"}
    )
    assert b"Europe/Berlin" in response.content


def test_staff_of_the_outlet_do_not_get_owner_pages_of_others(shop):
    advisor = OutletMembershipFactory(outlet=shop.outlet).user
    booking = BookingFactory(vehicle=shop.vehicle, outlet=shop.outlet, services=shop.services[:1])
    client = Client()
    client.force_login(advisor)
    assert client.get(reverse("web:booking", args=[booking.reference])).status_code == 404


def test_new_user_factory_language_is_english():
    assert UserFactory.build().language == "en"


def test_the_reschedule_page_shows_the_price_the_visit_was_booked_at(shop, owner_client):
    booking = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        start=timezone.now() + dt.timedelta(days=2),
        services=shop.services[:1],
        price_total="123.45",
    )
    page = owner_client.get(f"/bookings/{booking.reference}/reschedule/")
    assert page.status_code == 200
    assert "123.45" in page.content.decode()
