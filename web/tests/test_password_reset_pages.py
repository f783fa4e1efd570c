"""The forgotten-password pages: the same services and words as the API, the account named kept
between the two pages, errors next to their fields, and a sign-in with the new password."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import OneTimeCode
from accounts.tests.factories import PASSWORD, UserFactory
from bookings.tests.factories import sent_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Starry-Night-2027"
RESET = OneTimeCode.Purpose.PASSWORD


def test_the_sign_in_page_leads_to_the_forgotten_password(client):
    page = client.get("/sign-in/").content.decode()
    assert 'href="/password/forgot/"' in page
    assert "Forgot your password?" in page


def test_an_owner_sets_a_new_password_with_the_code_and_signs_in(client):
    user = UserFactory()
    response = client.post("/password/forgot/", {"account": user.username}, follow=True)
    assert response.redirect_chain == [("/password/reset/", 302)]
    assert "a code to set a new password is on its way" in response.content.decode()
    assert user.username in response.content.decode()

    response = client.post(
        "/password/reset/",
        {"code": sent_code(user, RESET), "new_password": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/sign-in/", 302)]
    assert "Your password was changed. Sign in with it." in response.content.decode()
    assert (
        client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code
        == 400
    )
    signed_in = client.post("/sign-in/", {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_unknown_name_reads_as_a_known_one(client):
    known, unknown = Client(), Client()
    user = UserFactory()
    a = known.post("/password/forgot/", {"account": user.username}, follow=True)
    b = unknown.post("/password/forgot/", {"account": "nobody.here"}, follow=True)
    assert a.redirect_chain == b.redirect_chain
    message = "a code to set a new password is on its way"
    assert message in a.content.decode()
    assert message in b.content.decode()


def test_errors_stand_next_to_their_fields_in_the_users_language(client):
    user = UserFactory()
    client.post("/password/forgot/", {"account": user.username}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    code = sent_code(user, RESET)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(
        "/password/reset/",
        {"code": wrong, "new_password": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_code_error"' in page
    assert "验证码有误、已过期或已使用，请核对或重新获取。" in page
    response = client.post(
        "/password/reset/", {"code": code, "new_password": "123"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert response.status_code == 400
    assert 'id="id_new_password_error"' in response.content.decode()
    assert (
        client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )


def test_the_code_page_without_an_account_named_goes_back_a_step(client):
    response = client.get("/password/reset/")
    assert response.status_code == 302
    assert response["Location"] == "/password/forgot/"


def test_the_pages_are_throttled_at_the_api_rate(client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"password-reset": "2/hour"})
    for n in range(2):
        client.post("/password/forgot/", {"account": f"someone{n}"})
    refused = client.post("/password/forgot/", {"account": "someone9"})
    assert refused.status_code == 429
    assert b"Too many attempts from here" in refused.content
