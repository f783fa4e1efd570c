"""My data (download, erase), the password page and signing out, through Django's test client."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone, translation
from knox.models import AuthToken

from accounts.models import User
from accounts.services import user_token
from accounts.tests.factories import PASSWORD, UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A token request activates its user's language for the thread; later tests that call
    services directly must not inherit it."""
    yield
    translation.deactivate()


NEW_PASSWORD = "Starry-Night-2027"


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    assert client.login(username="web-owner", password=PASSWORD)
    return client


def _api_status(token: str) -> int:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [("en", "My data", "Erase my account"), ("zh-hans", "我的数据", "删除我的账户")],
)
def test_my_data_page_renders_in_both_languages(shop, owner_client, language, heading, button):
    shop.owner.language = language
    shop.owner.save(update_fields=["language"])
    response = owner_client.get("/my-data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert button in page
    assert 'type="password"' in page  # erasing asks for the password


def test_my_data_needs_sign_in(client):
    response = client.get("/my-data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_download_gives_my_data_as_a_json_file(shop, owner_client):
    response = owner_client.get("/my-data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "web-owner"
    assert [v["vin"] for v in data["vehicles"]] == [shop.vehicle.vin]
    assert shop.stranger_vehicle.vin not in response.content.decode()


def test_erase_with_a_wrong_password_says_so_next_to_the_field(shop, owner_client):
    response = owner_client.post("/my-data/erase/", {"password": "not-it"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field-error"' in page
    assert "The password is not right." in page
    shop.owner.refresh_from_db()
    assert shop.owner.is_active


def test_erase_without_a_password_asks_for_it(shop, owner_client):
    response = owner_client.post("/my-data/erase/", {"password": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    shop.owner.refresh_from_db()
    assert shop.owner.is_active


def test_erase_refused_while_the_car_is_at_the_outlet_says_why(shop, owner_client):
    BookingFactory(
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        start=timezone.now() - dt.timedelta(minutes=20),
        end=timezone.now() + dt.timedelta(minutes=40),
        status=Booking.Status.CHECKED_IN,
    )
    response = owner_client.post("/my-data/erase/", {"password": PASSWORD})
    assert response.status_code == 409
    assert "once that visit is completed" in response.content.decode()


def test_erase_blanks_the_account_and_signs_out_everywhere(shop, owner_client):
    token = user_token(user=shop.owner).token
    elsewhere = Client()
    assert elsewhere.login(username="web-owner", password=PASSWORD)

    response = owner_client.post("/my-data/erase/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    erased = User.objects.get(pk=shop.owner.pk)
    assert erased.username.startswith("erased-")
    assert not erased.is_active
    assert owner_client.get("/my-data/").status_code == 302  # signed out
    assert elsewhere.get("/my-data/").status_code == 302  # and on the other device
    assert _api_status(token) == 401
    assert not Client().login(username="web-owner", password=PASSWORD)


def test_sign_out_ends_the_session_even_for_a_replayed_cookie(shop, owner_client):
    cookie = owner_client.cookies["sessionid"].value
    owner_client.post("/sign-out/")

    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/my-data/").status_code == 302
    assert replay.get("/api/v1/me/").status_code in (401, 403)


def test_password_page_changes_it_keeps_this_session_and_ends_the_others(shop, owner_client):
    elsewhere = Client()
    assert elsewhere.login(username="web-owner", password=PASSWORD)
    token = user_token(user=shop.owner).token

    response = owner_client.post(
        "/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert owner_client.get("/my-data/").status_code == 200
    assert elsewhere.get("/my-data/").status_code == 302
    assert _api_status(token) == 401
    assert not AuthToken.objects.filter(user=shop.owner).exists()
    assert Client().login(username="web-owner", password=NEW_PASSWORD)


def test_password_page_shows_the_rule_next_to_the_field(shop, owner_client):
    response = owner_client.post("/password/", {"old_password": PASSWORD, "new_password": "1234"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page
    assert "too short" in page
    wrong = owner_client.post("/password/", {"old_password": "x", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 400
    assert "The current password is not right." in wrong.content.decode()


def test_password_page_in_chinese(shop, owner_client):
    shop.owner.language = "zh-hans"
    shop.owner.save(update_fields=["language"])
    response = owner_client.post("/password/", {"old_password": "x", "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert "当前密码不正确。" in response.content.decode()


def test_a_user_without_bookings_can_erase(owner_client):
    UserFactory()  # someone else, untouched
    assert owner_client.post("/my-data/erase/", {"password": PASSWORD}).status_code == 302


def test_an_owner_turns_text_messages_off_and_keeps_e_mail(shop, owner_client):
    page = owner_client.get("/my-data/").content.decode()
    assert 'name="sms_notifications" id="id_sms_notifications" checked' in page
    response = owner_client.post("/my-data/messages/", {"email_notifications": "on"}, follow=True)
    assert response.redirect_chain == [("/my-data/", 302)]
    assert "Your choice of messages was saved." in response.content.decode()
    owner = User.objects.get(pk=shop.owner.pk)
    assert (owner.sms_notifications, owner.email_notifications) == (False, True)
    page = owner_client.get("/my-data/").content.decode()
    assert 'name="sms_notifications" id="id_sms_notifications" checked' not in page
    assert 'name="email_notifications" id="id_email_notifications" checked' in page


def test_the_choice_of_messages_is_only_the_accounts_own(shop, client):
    assert client.post("/my-data/messages/", {}).status_code == 302  # to the sign-in page
    assert User.objects.get(pk=shop.owner.pk).sms_notifications


def test_an_owner_sets_their_name_in_the_order_of_their_language(shop, owner_client):
    shop.owner.language = "zh-hans"
    shop.owner.save(update_fields=["language"])
    page = owner_client.get("/my-data/").content.decode()
    assert page.index('id="id_last_name"') < page.index('id="id_first_name"')  # 姓, then 名
    response = owner_client.post(
        "/my-data/name/", {"last_name": " 李 ", "first_name": "伟"}, follow=True
    )
    assert response.redirect_chain == [("/my-data/", 302)]
    assert "您的姓名已保存。" in response.content.decode()
    owner = User.objects.get(pk=shop.owner.pk)
    assert (owner.last_name, owner.first_name, owner.display_name) == ("李", "伟", "李伟")


def test_a_name_too_long_is_refused_next_to_its_field(shop, owner_client):
    response = owner_client.post("/my-data/name/", {"first_name": "x" * 151, "last_name": ""})
    assert response.status_code == 400
    assert 'id="id_first_name_error"' in response.content.decode()
    assert User.objects.get(pk=shop.owner.pk).first_name == shop.owner.first_name
