"""Verifying a phone and a car in a real browser, in both languages: the code arrives through
the outbox, a wrong one is refused next to its field, the right one verifies."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UnverifiedUserFactory, UserFactory
from bookings.tests.factories import sent_code
from vehicles.models import DeliveryRecord
from vehicles.tests.factories import UnverifiedVehicleFactory

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
def test_an_owner_verifies_their_e_mail_address(live_server, open_page, language):
    user = UnverifiedUserFactory(language=language, email="li.wei@example.com")
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, user.username)
    page.get_by_role("button", name=t(language, "Verify your e-mail address")).click()
    page.wait_for_url(re.compile(r"/account/email/$"))
    check_accessibility(page)
    page.click("button[name=send]")
    expect(page.locator(".flash")).to_contain_text("li.wei@example.com")
    wrong = f"{(int(sent_code(user)) + 1) % 1_000_000:06d}"
    page.fill("#id_code", wrong)
    page.click("button[name=verify]")
    expect(page.locator("#id_code_error")).to_be_visible()
    page.fill("#id_code", sent_code(user))
    page.click("button[name=verify]")
    expect(page.locator(".flash")).to_have_text(t(language, "Your e-mail address is verified."))
    expect(page.locator("#email-status")).to_contain_text("li.wei@example.com")
    check_accessibility(page)
    user.refresh_from_db()
    assert user.email_is_verified
    assert page.csp_violations == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_owner_verifies_a_new_phone(live_server, open_page, language):
    user = UnverifiedUserFactory(language=language)
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/account/phone/")
    check_accessibility(page)
    page.fill("#id_phone", "13912345600")
    page.click("button[name=send]")
    expect(page.locator(".flash")).to_contain_text("139****5600")
    wrong = f"{(int(sent_code(user)) + 1) % 1_000_000:06d}"
    page.fill("#id_code", wrong)
    page.click("button[name=verify]")
    expect(page.locator("#id_code_error")).to_be_visible()
    check_accessibility(page)
    page.fill("#id_code", sent_code(user))
    page.click("button[name=verify]")
    expect(page.locator(".flash")).to_have_text(t(language, "Your phone number is verified."))
    user.refresh_from_db()
    assert user.phone_is_verified
    assert page.csp_violations == []


def test_an_owner_verifies_a_car_by_the_delivery_record_code(live_server, open_page):
    user = UserFactory()
    car = UnverifiedVehicleFactory(owner=user)
    DeliveryRecord.objects.create(
        brand=car.model.brand,
        vin=car.vin,
        buyer_phone="+8613900004444",
        uploaded_by=UserFactory(),
        uploaded_at=car.created_at,
    )
    page = open_page("en", viewport=PHONE)
    sign_in(page, live_server.url, user.username)
    page.click("a:has-text('Verify that it is yours')")
    check_accessibility(page)
    page.click("button[name=send]")
    expect(page.locator(".flash")).to_contain_text("139****4444")
    page.fill("#id_code", sent_code(user))
    page.click("button[name=verify]")
    page.wait_for_url(re.compile(r"/vehicles/$"))
    expect(page.locator(".flash")).to_have_text("You are this car's verified owner.")
    car.refresh_from_db()
    assert car.is_verified
    assert page.csp_violations == []
