"""What an owner does, in a real browser, in each language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import PASSWORD
from bookings.lifecycle.create import booking_create
from bookings.models import Booking, Feedback
from bookings.tests.factories import BookingFactory
from outlets.selectors import service_types_by_code
from vehicles.models import Vehicle
from vehicles.tests.factories import valid_vin, vehicle_model

from ..conftest import SERVICES
from .conftest import PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_whole_journey(shop, live_server, open_page, language):
    base = live_server.url
    page = open_page(language)

    # Home, in the browser's language.
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(
        t(language, "After-sales service for your HIMA car, at any authorized outlet")
    )
    check_accessibility(page)

    # Create an account.
    page.click(f"main a:has-text('{t(language, 'Create an account')}')")
    check_accessibility(page)
    page.fill("#id_username", f"journey-{language}")
    page.fill("#id_password", "Harmony-2026!")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))
    user = User.objects.get(username=f"journey-{language}")
    assert user.language == language
    check_accessibility(page)

    # Add a vehicle with a real VIN.
    page.click(f"text={t(language, 'Add a vehicle')}")
    check_accessibility(page)
    vin = valid_vin(4242 + len(language))
    page.fill("#id_vin", vin)
    page.select_option("#id_model", str(vehicle_model("aito-m7").pk))
    page.fill("#id_odometer_km", "8000")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))
    expect(page.locator("main")).to_contain_text(vin)
    vehicle = Vehicle.objects.get(vin=vin, owner=user)

    # Find an outlet for that car and a service.
    page.click(f"main a:has-text('{t(language, 'Book a service')}')")
    page.wait_for_url(re.compile(r"/outlets/\?vehicle="))
    page.click("details summary")
    page.check("input[name=service][value=mnt-annual]")
    page.select_option("#id_city", "Shanghai")
    page.click(f"main button:has-text('{t(language, 'Search')}')")
    # The card names the outlet in the page's language: find it by its link.
    card = page.locator("article.outlet-card", has=page.locator("a[href='/outlets/SH-WEB-01/']"))
    expect(card.locator(".soonest")).to_be_visible()
    check_accessibility(page)

    # Pick a time: the second free start of tomorrow, so that the owner's 2-hour deadline for
    # rescheduling and cancelling lies ahead whatever the hour the test runs at.
    card.locator("a[role=button]").click()
    page.wait_for_url(re.compile(r"/outlets/SH-WEB-01/book/\?"))
    expect(page.locator(".visit-summary")).to_contain_text("¥")
    # A second service: the totals and times refresh in place (htmx), no reload.
    page.evaluate("() => { window.notReloaded = true; }")
    page.click("details.choices-fold summary")  # the chosen services fold once chosen
    page.check("input[name=service][value=dgn-full-scan]")
    expect(page.locator(".visit-summary")).to_contain_text("135")
    assert page.evaluate("() => window.notReloaded === true")
    check_accessibility(page)
    days_with_times = page.locator(".free-day").filter(has=page.locator("input[name=start]"))
    chips = days_with_times.nth(1).locator("input[name=start]")
    chosen = chips.nth(1).get_attribute("value")
    chips.nth(1).check()
    page.click(f"main button:has-text('{t(language, 'Continue')}')")

    # Confirm: wait at the outlet.
    page.wait_for_url(re.compile(r"/book/confirm/\?"))
    check_accessibility(page)
    page.check("input[name=mode][value=wait]")
    page.fill("#id_notes", "Please check the wipers.")
    page.click("form.confirm-form button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/HS-"))
    booking = Booking.objects.get(owner=user)
    assert booking.start == dt.datetime.fromisoformat(chosen)
    assert (booking.mode, booking.vehicle_id) == ("wait", vehicle.pk)
    assert sorted(booking.services.values_list("code", flat=True)) == sorted(SERVICES)
    expect(page.locator(".flash")).to_contain_text(booking.reference)
    check_accessibility(page)

    # It is under My bookings.
    page.click(f"header a:has-text('{t(language, 'My bookings')}')")
    expect(page.locator("section[aria-labelledby=upcoming-title]")).to_contain_text(
        booking.reference
    )
    check_accessibility(page)

    # Reschedule with the same picker: the last offered start.
    page.click(f"text={booking.reference}")
    page.click(f"main a:has-text('{t(language, 'Reschedule')}')")
    check_accessibility(page)
    last = page.locator(".free-days > .free-day input[name=start]").last
    new_start = last.get_attribute("value")
    last.check()
    page.click(f"main button:has-text('{t(language, 'Move to this time')}')")
    page.wait_for_url(re.compile(rf"/bookings/{booking.reference}/$"))
    booking.refresh_from_db()
    assert booking.start == dt.datetime.fromisoformat(new_start)
    expect(page.locator("ol.history")).to_contain_text(t(language, "Rescheduled"))

    # Cancel, with the 2-hour rule explained before the button.
    expect(page.locator("article[aria-labelledby=change-title]")).to_contain_text("2")
    page.click(f"main summary:has-text('{t(language, 'Cancel the booking')}')")
    page.click(f"main button:has-text('{t(language, 'Yes, cancel the booking')}')")
    page.wait_for_url(re.compile(rf"/bookings/{booking.reference}/$"))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    expect(page.locator(".status")).to_have_text(t(language, "cancelled").capitalize())
    assert page.csp_violations == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_completed_visit_is_rated_once(shop, live_server, open_page, language):
    shop.owner.language = language
    shop.owner.save()
    done = BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        status=Booking.Status.COMPLETED,
        services=shop.services[:1],
    )
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/bookings/{done.reference}/")
    check_accessibility(page)
    page.check("input[name=rating][value='4']")
    page.fill("#id_comment", "Fast and friendly")
    page.click(f"main button:has-text('{t(language, 'Send the rating')}')")
    expect(page.locator(".flash")).to_have_text(t(language, "Thank you for your rating."))
    expect(page.locator("input[name=rating]")).to_have_count(0)
    assert Feedback.objects.get(booking=done).rating == 4


def test_a_mistyped_vin_shows_its_message_and_adds_nothing(shop, live_server, open_page):
    page = open_page("zh-hans", viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/vehicles/add/")
    vin = valid_vin(991)
    typo = vin[:-1] + ("1" if vin[-1] != "1" else "2")
    page.fill("#id_vin", typo)
    page.select_option("#id_model", str(vehicle_model("aito-m5").pk))
    page.click("main form button[type=submit]")
    # The owner's saved language (English) wins over the browser's.
    expect(page.locator("#field-vin .field-error")).to_have_text(
        "The check digit (position 9) does not match; please re-check the VIN."
    )
    expect(page.locator("#id_vin")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    assert not Vehicle.objects.filter(vin=typo).exists()
    # The edit page and the outlet page, checked while here.
    page.goto(f"{live_server.url}/vehicles/{shop.vehicle.pk}/edit/")
    check_accessibility(page)
    page.goto(f"{live_server.url}/outlets/SH-WEB-01/")
    expect(page.locator("table.hours")).to_contain_text("08:00–12:00, 13:00–20:00")
    check_accessibility(page)


def test_a_time_taken_meanwhile_is_said_and_booked_once(shop, live_server, open_page):
    page = open_page("en")
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(
        f"{live_server.url}/outlets/SH-WEB-01/book/?vehicle={shop.vehicle.pk}&service=mnt-annual"
    )
    first = page.locator("input[name=start]").first
    taken = first.get_attribute("value")
    first.check()
    page.click("main button:has-text('Continue')")
    page.wait_for_url(re.compile(r"/book/confirm/\?"))

    # Meanwhile someone else books that time (the outlet has one bay).
    booking_create(
        owner=shop.stranger,
        vehicle=shop.stranger_vehicle,
        outlet=shop.outlet,
        services=service_types_by_code(["mnt-annual"]),
        start=dt.datetime.fromisoformat(taken),
    )
    page.click("form.confirm-form button[type=submit]")
    expect(page.locator("#form-errors")).to_contain_text("That time was just taken")
    assert taken not in page.locator("input[name=start]").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )
    check_accessibility(page)
    assert not Booking.objects.filter(owner=shop.owner).exists()

    # A fresh time from the refreshed list books; going back and sending again books nothing new.
    page.locator("section.retimes input[name=start]").first.check()  # none is chosen for you
    page.click("section.retimes button[type=submit]")
    page.wait_for_url(re.compile(r"/book/confirm/\?"))
    page.click("form.confirm-form button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/HS-"))
    page.go_back()
    page.click("form.confirm-form button[type=submit]")
    page.wait_for_url(re.compile(r"/bookings/HS-"))
    assert Booking.objects.filter(owner=shop.owner).count() == 1


def test_another_owners_booking_page_is_404(shop, live_server, open_page):
    theirs = BookingFactory(
        vehicle=shop.stranger_vehicle, outlet=shop.outlet, services=shop.services[:1]
    )
    page = open_page("en")
    sign_in(page, live_server.url, shop.owner.username)
    response = page.goto(f"{live_server.url}/bookings/{theirs.reference}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    check_accessibility(page)


def test_nearest_first_when_the_browser_shares_its_position(shop, live_server, open_page):
    # Standing next to the Minhang centre: it comes first, with its distance.
    page = open_page(
        "en",
        viewport=PHONE,
        permissions=["geolocation"],
        geolocation={"latitude": 31.1125, "longitude": 121.3815},
    )
    page.goto(f"{live_server.url}/outlets/")
    page.click("#use-position")
    page.wait_for_url(re.compile(r"near=31\.1125"))
    expect(page.locator("#results-title")).to_have_text("Nearest first")
    cards = page.locator("article.outlet-card h3")
    expect(cards.first).to_contain_text("Minhang Web Centre")
    expect(page.locator("article.outlet-card").first).to_contain_text("km away")
    check_accessibility(page)
