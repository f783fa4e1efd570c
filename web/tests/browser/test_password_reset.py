"""A forgotten password in a real browser, on a phone, in both languages: from the sign-in page
to a code through the outbox, a wrong code refused next to its field, and a sign-in with the new
password."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import OneTimeCode
from accounts.tests.factories import UserFactory
from bookings.tests.factories import sent_code

from .conftest import PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Starry-Night-2027"
RESET = OneTimeCode.Purpose.PASSWORD
SENT = (
    "If this names an account with a verified phone or e-mail address, a code to set a new "
    "password is on its way. It is valid for 10 minutes."
)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_owner_who_forgot_the_password_sets_a_new_one(live_server, open_page, language):
    user = UserFactory(language=language)
    page = open_page(language, viewport=PHONE)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name=t(language, "Forgot your password?")).click()
    page.wait_for_url(re.compile(r"/password/forgot/$"))
    check_accessibility(page)
    page.fill("#id_account", user.phone)
    page.click("form[action='/password/forgot/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/password/reset/$"))
    expect(page.locator(".flash")).to_have_text(t(language, SENT))
    expect(page.locator("h1")).to_have_text(t(language, "Set a new password"))
    check_accessibility(page)

    wrong = f"{(int(sent_code(user, RESET)) + 1) % 1_000_000:06d}"
    page.fill("#id_code", wrong)
    page.fill("#id_new_password", NEW_PASSWORD)
    page.click("form[action='/password/reset/'] button[type=submit]")
    expect(page.locator("#id_code_error")).to_be_visible()
    check_accessibility(page)

    page.fill("#id_code", sent_code(user, RESET))
    page.fill("#id_new_password", NEW_PASSWORD)
    page.click("form[action='/password/reset/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".flash")).to_have_text(
        t(language, "Your password was changed. Sign in with it.")
    )
    page.fill("#id_username", user.username)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))
    assert page.csp_violations == []
