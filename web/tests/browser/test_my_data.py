"""My data in a real browser: the page reads well and is accessible in both languages; a wrong
password keeps the account, the right one erases it and signs out."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import PASSWORD

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
def test_my_data_erases_only_with_the_password(shop, live_server, open_page, language):
    shop.owner.language = language
    shop.owner.save()
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.click(f"header a:has-text('{t(language, 'My data')}')")
    page.wait_for_url(re.compile(r"/my-data/$"))
    expect(page.locator("h1")).to_have_text(t(language, "My data"))
    check_accessibility(page)

    erase = page.locator("form[action='/my-data/erase/']")
    page.fill("#id_password", "not-my-password")
    erase.locator("button[type=submit]").click()
    expect(page.locator(".field-error")).to_have_text(t(language, "The password is not right."))
    check_accessibility(page)
    assert User.objects.get(pk=shop.owner.pk).is_active

    page.fill("#id_password", PASSWORD)
    erase.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(".flash")).to_have_text(t(language, "Your account was erased. Goodbye."))
    expect(page.locator("form[action='/sign-out/']")).to_have_count(0)
    assert not User.objects.get(pk=shop.owner.pk).is_active
    assert page.csp_violations == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_owner_sets_their_name_and_turns_text_messages_off(
    shop, live_server, open_page, language
):
    shop.owner.language = language
    shop.owner.save()
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/my-data/")
    page.get_by_role("textbox", name=t(language, "Family name"), exact=True).fill("Li")
    page.get_by_role("textbox", name=t(language, "Given name"), exact=True).fill("Wei")
    page.get_by_role("button", name=t(language, "Save my name")).click()
    expect(page.locator(".flash")).to_have_text(t(language, "Your name was saved."))
    assert User.objects.get(pk=shop.owner.pk).display_name == "Wei Li"
    sms = page.get_by_label(t(language, "Text messages (SMS)"))
    expect(sms).to_be_checked()
    sms.uncheck()
    page.get_by_role("button", name=t(language, "Save my choice")).click()
    expect(page.locator(".flash")).to_have_text(t(language, "Your choice of messages was saved."))
    expect(page.get_by_label(t(language, "Text messages (SMS)"))).not_to_be_checked()
    expect(page.get_by_label(t(language, "E-mail"))).to_be_checked()
    check_accessibility(page)
    owner = User.objects.get(pk=shop.owner.pk)
    assert (owner.sms_notifications, owner.email_notifications) == (False, True)
    assert page.csp_violations == []
