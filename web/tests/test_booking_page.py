"""The owner's booking page, prices and times: an outlet's currency, an owner's time zone, one
date style per language, cancelling in two steps, the name order of a new account."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from bookings.models import Booking, Notification
from bookings.tests.factories import BookingFactory
from web.common.display import money, visit_when, zone_note

pytestmark = pytest.mark.django_db

SHANGHAI, BERLIN = "Asia/Shanghai", "Europe/Berlin"


def at(day: dt.date, hour: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(zone))


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


@pytest.fixture
def berlin_booking(shop) -> Booking:
    """A confirmed booking in three days at a German outlet (euro, Berlin time), with one
    message sent and one due."""
    shop.outlet.time_zone, shop.outlet.currency, shop.outlet.country = BERLIN, "EUR", "DE"
    shop.outlet.save()
    day = timezone.now().astimezone(ZoneInfo(BERLIN)).date() + dt.timedelta(days=3)
    booking = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        services=shop.services,
        start=at(day, 10, BERLIN),
        end=at(day, 11, BERLIN),
        price_total=Decimal("380.00"),
    )
    for kind, sent in (("confirmation", timezone.now()), ("reminder_24h", None)):
        Notification.objects.create(
            key=f"{booking.reference}:{kind}",
            kind=kind,
            channel="sms",
            recipient=shop.owner,
            booking=booking,
            due_at=sent or booking.start - dt.timedelta(hours=24),
            status="sent" if sent else "pending",
            sent_at=sent,
        )
    return booking


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("380.00"), "CNY", "¥380"),
        (Decimal("1280"), "CNY", "¥1,280"),
        (Decimal("89.5"), "EUR", "€89.50"),
        (Decimal("89.50"), "CHF", "89.50\u00a0CHF"),
    ],
)
def test_a_price_reads_in_its_currency(amount, currency, text):
    assert money(amount, currency) == text


@pytest.mark.parametrize(
    ("language", "same", "both"),
    [
        (
            "en",
            "Thursday 3 Dec 2026, 10:00–11:00",
            "Thursday 3 Dec 2026, 10:00–11:00 Berlin time · 17:00–18:00 your time",
        ),
        (
            "zh-hans",
            "2026年12月3日 星期四 10:00–11:00",
            "2026年12月3日 星期四 柏林时间 10:00–11:00 · 您的时间 17:00–18:00",
        ),
    ],
)
def test_a_time_at_the_outlet_names_the_owners_own_only_when_it_differs(language, same, both):
    start = at(dt.date(2026, 12, 3), 10, BERLIN)
    end = start + dt.timedelta(hours=1)
    with translation.override(language):
        assert visit_when(start, end, zone=BERLIN, own_zone=BERLIN) == same
        assert visit_when(start, end, zone=BERLIN, own_zone=SHANGHAI) == both


def test_the_owners_date_is_given_when_it_is_another_day_on_their_clock():
    late = at(dt.date(2026, 12, 3), 20, BERLIN)
    with translation.override("en"):
        text = visit_when(late, zone=BERLIN, own_zone=SHANGHAI)
    assert text == "Thursday 3 Dec 2026, 20:00 Berlin time · 4 Dec 2026, 03:00 your time"


def test_the_zone_note_says_how_far_the_outlets_clock_is_from_the_owners():
    winter = at(dt.date(2026, 12, 3), 10, SHANGHAI)
    with translation.override("en"):
        assert zone_note(BERLIN, SHANGHAI, at=winter) == (
            "Times are Berlin time (Europe/Berlin), 7 hours behind yours."
        )
        assert zone_note(SHANGHAI, BERLIN, at=winter) == (
            "Times are Shanghai time (Asia/Shanghai), 7 hours ahead of yours."
        )
        assert zone_note(BERLIN, BERLIN, at=winter) == ""
        assert zone_note(SHANGHAI, "Asia/Hong_Kong", at=winter) == ""  # same clock


def test_the_booking_page_shows_the_outlets_currency_and_both_clocks(
    shop, owner_client, berlin_booking
):
    html = owner_client.get(f"/bookings/{berlin_booking.reference}/").content.decode()
    assert "€380" in html
    assert "¥" not in html
    assert "Berlin time · " in html
    assert "your time" in html


def test_an_owner_living_in_germany_is_not_told_about_zones(shop, owner_client, berlin_booking):
    User.objects.filter(pk=shop.owner.pk).update(time_zone=BERLIN)
    html = owner_client.get(f"/bookings/{berlin_booking.reference}/").content.decode()
    assert "your time" not in html
    assert "Europe/Berlin" not in html
    assert re.search(r"10:00–11:00</dd>", html)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dates_are_24_hour_in_one_style_per_language(shop, berlin_booking, language):
    User.objects.filter(pk=shop.owner.pk).update(language=language)
    client = Client()
    client.force_login(shop.owner)
    html = client.get(f"/bookings/{berlin_booking.reference}/").content.decode()
    assert not re.search(r"[ap]\.m\.|\d+/\d+/\d{4}", html)
    sent = timezone.now().astimezone(ZoneInfo(SHANGHAI))
    if language == "en":
        assert f"{sent.day} {sent:%b %Y, %H:%M}" in html
        assert ">Confirmed<" in html
        assert "Drop off" in html
        assert ">Sent<" in html
        assert ">Pending<" in html
    else:
        assert f"{sent.year}年{sent.month}月{sent.day}日 {sent:%H:%M}" in html


def test_one_post_to_cancel_is_the_confirmation_and_the_page_asks_first(
    shop, owner_client, berlin_booking
):
    html = owner_client.get(f"/bookings/{berlin_booking.reference}/").content.decode()
    question = html.split('<details class="cancel-booking"', 1)[1].split("</details>", 1)[0]
    assert "<summary" in question
    assert "Yes, cancel the booking" in question
    assert (
        'type="submit"'
        not in html.split('<details class="cancel-booking"', 1)[0].split('id="change-title"', 1)[1]
    )
    response = owner_client.post(f"/bookings/{berlin_booking.reference}/cancel/", {"reason": ""})
    assert response.status_code == 302
    berlin_booking.refresh_from_db()
    assert berlin_booking.status == Booking.Status.CANCELLED


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [("zh-hans", "last_name", "first_name"), ("en", "first_name", "last_name")],
)
def test_the_new_account_asks_the_names_in_the_languages_order(client, language, first, second):
    html = client.get("/create-account/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html.index(f'id="id_{first}"') < html.index(f'id="id_{second}"')


def test_a_new_account_keeps_its_time_zone_and_refuses_a_made_up_one(client):
    form = {"username": "zoned", "password": "Harmony-2026!", "time_zone": "Mars/Olympus"}
    response = client.post("/create-account/", form)
    assert response.status_code == 400
    assert "Mars/Olympus" in response.content.decode()  # named in the message next to the field
    assert not User.objects.filter(username="zoned").exists()
    client.post("/create-account/", {**form, "time_zone": BERLIN})
    assert User.objects.get(username="zoned").time_zone == BERLIN


def test_the_time_zone_is_changed_on_my_data(shop, owner_client):
    assert owner_client.post("/my-data/time-zone/", {"time_zone": "Nowhere"}).status_code == 400
    response = owner_client.post("/my-data/time-zone/", {"time_zone": BERLIN})
    assert response.status_code == 302
    shop.owner.refresh_from_db()
    assert shop.owner.time_zone == BERLIN
    assert 'value="Europe/Berlin" selected' in owner_client.get("/my-data/").content.decode()
