import pytest
from django.db import IntegrityError

from accounts.models import User
from accounts.tests.factories import UserFactory
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import BrandMembershipFactory

pytestmark = pytest.mark.django_db


def test_register_token_me_round_trip(api):
    registered = api.post(
        "/api/v1/auth/register/",
        {"username": "lihua", "password": "Wenjie-M9-2026", "email": "li@example.com"},
    )
    assert registered.status_code == 201, registered.json()
    assert registered.json()["roles"] == ["owner"]

    token = api.post("/api/v1/auth/token/", {"username": "lihua", "password": "Wenjie-M9-2026"})
    assert token.status_code == 200
    # Each sign-in has its own token, with its expiry.
    assert token.json()["token"] != registered.json()["token"]
    assert token.json()["expires"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "lihua"
    assert me["email"] == "li@example.com"
    assert me["roles"] == ["owner"]
    assert me["alliance_admin"] is False


def test_register_refuses_taken_username_and_weak_password(api):
    UserFactory(username="taken")
    response = api.post("/api/v1/auth/register/", {"username": "TAKEN", "password": "123"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "username" in body["fields"]
    assert User.objects.filter(username__iexact="taken").count() == 1


def test_a_username_signs_in_whatever_the_case_it_is_typed_in(api):
    """A phone's keyboard capitalises the first letter of a new account's name; its owner
    types it in lower case later."""
    registered = api.post(
        "/api/v1/auth/register/", {"username": "Lihua.Wang", "password": "Wenjie-M9-2026"}
    )
    assert registered.status_code == 201
    for typed in ["lihua.wang", "LIHUA.WANG", "Lihua.Wang"]:
        token = api.post("/api/v1/auth/token/", {"username": typed, "password": "Wenjie-M9-2026"})
        assert token.status_code == 200, typed
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/me/").json()["username"] == "Lihua.Wang"  # as it was created


def test_the_database_holds_one_username_in_any_case():
    UserFactory(username="zhao")
    with pytest.raises(IntegrityError):
        User.objects.create(username="ZHAO")


def test_register_weak_password_is_a_field_error(api):
    response = api.post("/api/v1/auth/register/", {"username": "newbie", "password": "12345678"})
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert not User.objects.filter(username="newbie").exists()


def test_a_password_with_spaces_signs_in_as_it_was_chosen(api):
    password = " Xq9!long-pass-77 "
    registered = api.post("/api/v1/auth/register/", {"username": "spacey", "password": password})
    assert registered.status_code == 201, registered.json()
    signed_in = api.post("/api/v1/auth/token/", {"username": "spacey", "password": password})
    assert signed_in.status_code == 200, signed_in.json()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("", ""), ("+86 139-0000-0001", "+8613900000001"), ("139 0000 0002", "+8613900000002")],
)
def test_a_phone_given_at_sign_up_is_kept_in_its_one_form(api, typed, stored):
    body = {"username": "phoned", "password": "Xq9!long-pass-77", "phone": typed}
    assert api.post("/api/v1/auth/register/", body).status_code == 201
    assert User.objects.get(username="phoned").phone == stored


@pytest.mark.parametrize("path", ["register", "me"])
def test_a_phone_that_is_not_one_is_a_field_error_and_changes_nothing(api, owner_api, owner, path):
    if path == "register":
        body = {"username": "phoney", "password": "Xq9!long-pass-77", "phone": "abc"}
        response = api.post("/api/v1/auth/register/", body)
    else:
        response = owner_api.patch("/api/v1/me/", {"phone": "abc", "first_name": "Changed"})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "phone": ["Enter a mobile number, e.g. 13800138000 or +8613800138000."]
    }
    assert not User.objects.filter(username="phoney").exists()
    owner.refresh_from_db()
    assert owner.first_name != "Changed"


def test_a_username_longer_than_any_is_a_field_error_at_sign_in(api):
    response = api.post("/api/v1/auth/token/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 400
    assert "username" in response.json()["fields"]


def test_wrong_password_is_refused(api):
    UserFactory(username="wang")
    response = api.post("/api/v1/auth/token/", {"username": "wang", "password": "wrong"})
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "detail": "Wrong username or password.",
    }


def test_me_requires_authentication(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_lists_staff_and_brand_admin_roles(api):

    user = UserFactory()
    outlet = OutletFactory(code="SH-PUDONG-01")
    OutletMembership.objects.create(user=user, outlet=outlet, role="advisor")
    BrandMembershipFactory(user=user)
    api.force_authenticate(user)
    me = api.get("/api/v1/me/").json()
    assert me["roles"] == ["owner", "outlet_staff", "brand_admin"]
    assert me["outlet_staff"] == [
        {"outlet": "SH-PUDONG-01", "outlet_name": outlet.name, "role": "advisor"}
    ]
    assert me["brand_admin"] == ["AITO"]


def test_me_patch_changes_language_and_opt_outs(owner_api, owner):
    response = owner_api.patch("/api/v1/me/", {"language": "zh-hans", "sms_notifications": False})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.language == "zh-hans"
    assert owner.sms_notifications is False


def test_an_owner_keeps_the_time_zone_they_live_in(api, owner_api, owner):
    registered = api.post(
        "/api/v1/auth/register/",
        {"username": "hans", "password": "a-long-pass-phrase-7", "time_zone": "Europe/Berlin"},
        format="json",
    )
    assert registered.status_code == 201
    assert registered.json()["time_zone"] == "Europe/Berlin"

    moved = owner_api.patch("/api/v1/me/", {"time_zone": "America/New_York"}, format="json")
    assert moved.status_code == 200
    owner.refresh_from_db()
    assert owner.time_zone == "America/New_York"


def test_a_time_zone_that_does_not_exist_is_a_field_error(owner_api, owner):
    response = owner_api.patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "time_zone" in response.json()["fields"]
    owner.refresh_from_db()
    assert owner.time_zone == "Asia/Shanghai"
