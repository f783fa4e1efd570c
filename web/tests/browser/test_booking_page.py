"""An owner's booking page in a real browser: Reschedule leads and cancelling asks once more;
one 24-hour date style per language; an outlet's currency and the owner's own clock; the
messages on a phone; the name order and time zone of a new account."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import PASSWORD
from bookings.models import Booking, BookingEvent, Notification
from bookings.tests.factories import BookingFactory

from .conftest import ACCEPT, DESKTOP, PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["zh-hans", "en"]
# Screenshots for a person to look at, when asked for: HIMA_SHOTS=<directory>.
SHOTS = os.environ.get("HIMA_SHOTS", "")
# One style per language, 24-hour: "3 Dec 2026, 15:13" and "2026年12月3日 15:13".
DATETIME = {
    "en": re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$"),
    "zh-hans": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$"),
}


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def booked(shop, *, language: str, zone: str = "Asia/Shanghai", days: int = 3) -> Booking:
    """A confirmed visit at the shop's outlet some days ahead at 10:00 outlet time, with the
    messages a booking gets (two sent, two due)."""
    User.objects.filter(pk=shop.owner.pk).update(language=language)
    day = timezone.now().astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=days)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo(zone))
    booking = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        services=shop.services,
        start=start,
        end=start + dt.timedelta(hours=1),
        price_total=Decimal("380.00"),
    )
    now = timezone.now()
    BookingEvent.objects.create(
        booking=booking, actor=shop.owner, kind="created", to_status="confirmed"
    )
    for kind, channel, sent in [
        ("confirmation", "sms", now),
        ("confirmation", "email", now),
        ("reminder_24h", "sms", None),
        ("reminder_2h", "sms", None),
    ]:
        Notification.objects.create(
            key=f"{booking.reference}:{kind}:{channel}",
            kind=kind,
            channel=channel,
            recipient=shop.owner,
            booking=booking,
            due_at=sent or start - dt.timedelta(hours=24 if kind == "reminder_24h" else 2),
            status="sent" if sent else "pending",
            sent_at=sent,
        )
    return booking


@pytest.mark.parametrize("language", LANGUAGES)
def test_reschedule_leads_and_cancelling_asks_once_more(shop, live_server, open_page, language):
    booking = booked(shop, language=language)
    page = open_page(language)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/bookings/{booking.reference}/")
    shoot(page, f"booking-desktop-{language}")
    check_accessibility(page)

    # Statuses and modes read as labels: "Confirmed", "Drop off" (the same in Chinese).
    expect(page.locator("hgroup .status")).to_have_text(t(language, "confirmed").capitalize())
    expect(page.locator(".facts")).to_contain_text(t(language, "drop off").capitalize())
    # History and Messages: the language's one date style, on the 24-hour clock.
    history = page.locator("ol.history li").all_inner_texts()
    assert history
    for text in history:
        assert DATETIME[language].match(text.split(" — ")[0]), text
    sent = page.locator("section[aria-labelledby=messages-title] tbody tr td:nth-child(4)")
    expect(sent.first).to_have_text(DATETIME[language])
    assert not re.search(r"[ap]\.m\.", page.locator("main").inner_text())

    # Reschedule is the primary button; Cancel is the quieter outline one beside it.
    change = page.locator("article[aria-labelledby=change-title]")
    reschedule = change.get_by_role("button", name=t(language, "Reschedule"))
    cancel = change.get_by_role("button", name=t(language, "Cancel the booking"))
    assert "outline" in (cancel.get_attribute("class") or "")
    assert "secondary" not in (reschedule.get_attribute("class") or "")
    cancel_width = cancel.bounding_box()["width"]
    assert cancel_width < change.bounding_box()["width"] / 2
    background = "e => getComputedStyle(e).backgroundColor"
    assert cancel.evaluate(background) != reschedule.evaluate(background)

    # One press only asks.
    cancel.click()
    confirm = change.get_by_role("button", name=t(language, "Yes, cancel the booking"))
    expect(confirm).to_be_visible()
    expect(change).to_contain_text(booking.reference)
    assert page.url.endswith(f"/bookings/{booking.reference}/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    shoot(page, f"booking-cancel-asks-{language}")
    check_accessibility(page)

    # The second press cancels.
    confirm.click()
    expect(page.locator(".flash")).to_contain_text(t(language, "The booking was cancelled."))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    expect(page.locator("hgroup .status")).to_have_text(t(language, "cancelled").capitalize())
    assert page.csp_violations == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_german_outlet_quotes_euros_and_the_owners_own_clock(
    shop, live_server, open_page, language
):
    shop.outlet.time_zone, shop.outlet.currency, shop.outlet.country = (
        "Europe/Berlin",
        "EUR",
        "DE",
    )
    shop.outlet.save()
    booking = booked(shop, language=language, zone="Europe/Berlin")
    page = open_page(language)
    sign_in(page, live_server.url, shop.owner.username)

    # The outlet page and the picker quote euros.
    page.goto(f"{live_server.url}/outlets/{shop.outlet.code}/")
    expect(page.locator("main")).to_contain_text("€")
    expect(page.locator("main")).not_to_contain_text("¥")
    page.goto(
        f"{live_server.url}/outlets/{shop.outlet.code}/book/"
        f"?vehicle={shop.vehicle.pk}&service=mnt-annual"
    )
    expect(page.locator(".visit-summary")).to_contain_text("€")
    note = page.locator(".zone-note", has_text="Europe/Berlin")
    expect(note).to_contain_text(t(language, "Berlin"))

    # An owner in Shanghai: Berlin time and their own beside it.
    page.goto(f"{live_server.url}/bookings/{booking.reference}/")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("€380")
    expect(facts).not_to_contain_text("¥")
    with translation.override(language):
        berlin = translation.gettext("%(time)s %(place)s time") % {
            "time": "10:00–11:00",
            "place": translation.gettext("Berlin"),
        }
        yours = translation.gettext("%(time)s your time") % {"time": "17:00–18:00"}
    expect(facts).to_contain_text(f"{berlin} · {yours}")
    shoot(page, f"booking-berlin-shanghai-owner-{language}")

    # The owner says he lives in Germany: the page stops talking about zones.
    page.goto(f"{live_server.url}/my-data/")
    page.select_option("#id_time_zone", "Europe/Berlin")
    page.click(f"main button:has-text('{t(language, 'Save the time zone')}')")
    expect(page.locator(".flash")).to_contain_text(t(language, "Your time zone was saved."))
    check_accessibility(page)
    page.goto(f"{live_server.url}/bookings/{booking.reference}/")
    expect(facts).to_contain_text("10:00–11:00")
    expect(facts).not_to_contain_text("your time" if language == "en" else "您的时间")
    expect(page.locator("main")).not_to_contain_text("Europe/Berlin")
    assert page.csp_violations == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_messages_fit_a_phone(shop, live_server, open_page, language):
    booking = booked(shop, language=language)
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/bookings/{booking.reference}/")
    section = page.locator("section[aria-labelledby=messages-title]")
    section.scroll_into_view_if_needed()
    shoot(page, f"booking-phone-{language}")
    # No cell squeezed to a character a line: every shown cell is wider than a few
    # characters, and the page does not scroll sideways.
    widths = section.locator("tbody td").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().width).filter(w => w > 1)"
    )
    assert len(widths) == 16
    assert min(widths) >= 80, widths
    expect(section).to_contain_text(t(language, "Status"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_account_asks_the_names_in_order_and_takes_the_browsers_zone(
    browser, live_server, language
):
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US",
        extra_http_headers={"Accept-Language": ACCEPT[language]},
        viewport=DESKTOP,
        timezone_id="Europe/Berlin",
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/create-account/")
        family = page.locator("#id_last_name").bounding_box()["y"]
        given = page.locator("#id_first_name").bounding_box()["y"]
        # 姓 before 名 in Chinese; given name, then family name in English.
        assert (family < given) if language == "zh-hans" else (given < family)
        expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")
        shoot(page, f"create-account-{language}")
        check_accessibility(page)
        page.fill("#id_username", f"zoned-{language}")
        page.fill("#id_password", "Harmony-2026!")
        page.fill("#id_last_name", "王")
        page.fill("#id_first_name", "小明")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/vehicles/$"))
        user = User.objects.get(username=f"zoned-{language}")
        assert (user.time_zone, user.last_name, user.first_name) == ("Europe/Berlin", "王", "小明")
    finally:
        context.close()
