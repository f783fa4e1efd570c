"""API tokens: one per sign-in with its expiry, revoked by signing out,
by a password change, and dead once expired."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A token request activates its user's language for the thread; later tests that call
    services directly must not inherit it."""
    yield
    translation.deactivate()


NEW_PASSWORD = "Starry-Night-2027"


def _sign_in(username: str, password: str = PASSWORD) -> dict:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.json()
    return response.json()


def _with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_sign_in_answers_a_token_with_its_expiry_ten_hours_ahead(settings):
    UserFactory(username="lihua")
    body = _sign_in("lihua")
    assert set(body) == {"token", "expires"}
    expires = parse_datetime(body["expires"])
    assert expires - timezone.now() == pytest.approx(
        dt.timedelta(hours=settings.API_TOKEN_HOURS), abs=dt.timedelta(seconds=5)
    )
    assert _with_token(body["token"]).get("/api/v1/me/").status_code == 200


def test_each_sign_in_issues_its_own_token_and_both_work():
    UserFactory(username="lihua")
    first, second = _sign_in("lihua"), _sign_in("lihua")
    assert first["token"] != second["token"]
    assert _with_token(first["token"]).get("/api/v1/me/").status_code == 200
    assert _with_token(second["token"]).get("/api/v1/me/").status_code == 200


def test_logout_revokes_the_token_used_and_only_that_one():
    UserFactory(username="lihua")
    phone, laptop = _sign_in("lihua")["token"], _sign_in("lihua")["token"]

    response = _with_token(phone).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    refused = _with_token(phone).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json() == {"code": "authentication_failed", "detail": "Invalid token."}
    assert _with_token(laptop).get("/api/v1/me/").status_code == 200


def test_logout_without_a_token_is_a_401_in_the_error_shape():
    response = APIClient().post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_expired_token_is_refused_and_deleted(settings):
    UserFactory(username="lihua")
    token = _sign_in("lihua")["token"]
    later = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)

    with time_machine.travel(later, tick=False):
        response = _with_token(token).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_a_token_still_works_a_minute_before_it_expires(settings):
    UserFactory(username="lihua")
    token = _sign_in("lihua")["token"]
    nearly = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS, minutes=-1)
    with time_machine.travel(nearly, tick=False):
        assert _with_token(token).get("/api/v1/me/").status_code == 200


def test_signing_in_clears_the_users_expired_tokens(settings):
    user = UserFactory(username="lihua")
    _sign_in("lihua")
    later = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS + 1)
    with time_machine.travel(later, tick=False):
        _sign_in("lihua")
    assert AuthToken.objects.filter(user=user).count() == 1


def test_tokens_are_stored_as_digests_only():
    UserFactory(username="lihua")
    token = _sign_in("lihua")["token"]
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)


def test_password_change_revokes_every_token_and_the_new_password_signs_in():
    user = UserFactory(username="lihua")
    phone, laptop = _sign_in("lihua")["token"], _sign_in("lihua")["token"]

    response = _with_token(phone).post(
        "/api/v1/me/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 204
    assert _with_token(phone).get("/api/v1/me/").status_code == 401
    assert _with_token(laptop).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()
    fresh = _sign_in("lihua", NEW_PASSWORD)["token"]
    assert _with_token(fresh).get("/api/v1/me/").status_code == 200


def test_password_change_ends_other_web_sessions_and_keeps_the_one_that_asked(client):
    UserFactory(username="lihua")
    other = APIClient()
    assert other.login(username="lihua", password=PASSWORD)
    assert client.login(username="lihua", password=PASSWORD)
    token = _sign_in("lihua")["token"]
    assert other.get("/api/v1/me/").status_code == 200

    response = client.post(
        "/api/v1/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 200  # the session that asked
    assert other.get("/api/v1/me/").status_code in (401, 403)
    assert other.get("/vehicles/").status_code == 302  # the page sends it to sign in
    assert _with_token(token).get("/api/v1/me/").status_code == 401


def test_password_change_with_a_wrong_current_password_is_refused_and_changes_nothing():
    UserFactory(username="lihua")
    token = _sign_in("lihua")["token"]

    response = _with_token(token).post(
        "/api/v1/me/password/", {"old_password": "not-it", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "The current password is not right."
    assert "old_password" in body["fields"]
    assert _with_token(token).get("/api/v1/me/").status_code == 200
    _sign_in("lihua", PASSWORD)


def test_password_change_to_a_weak_password_names_the_rule_in_the_field():
    UserFactory(username="lihua")
    token = _sign_in("lihua")["token"]

    response = _with_token(token).post(
        "/api/v1/me/password/", {"old_password": PASSWORD, "new_password": "12345678"}
    )

    assert response.status_code == 400
    messages = response.json()["fields"]["new_password"]
    assert any("numeric" in m for m in messages)
    assert _with_token(token).get("/api/v1/me/").status_code == 200


def test_password_change_answers_in_the_users_language():
    UserFactory(username="lihua", language="zh-hans")
    token = _sign_in("lihua")["token"]
    response = _with_token(token).post(
        "/api/v1/me/password/", {"old_password": "not-it", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "当前密码不正确。"


def test_register_answers_a_token_with_its_expiry():
    response = APIClient().post(
        "/api/v1/auth/register/", {"username": "newbie", "password": "Wenjie-M9-2026"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["expires"]
    assert _with_token(body["token"]).get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("header", ["Token caf\u00e9", "Token zz", "Token", "Token a b"])
def test_a_malformed_token_header_is_a_401_never_a_500(header):
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_no_table_of_old_plaintext_tokens_is_left():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone() == (None,)
