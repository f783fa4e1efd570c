"""A forgotten password: a code to a verified channel only, the same answer for every name, a
new password that ends every session and token and lifts the sign-in lockout."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.codes import MAX_SENDS_PER_ACCOUNT, MAX_TRIES
from accounts.models import OneTimeCode
from accounts.services import user_token
from accounts.tests.factories import (
    PASSWORD,
    AdminFactory,
    UnverifiedUserFactory,
    UserFactory,
)
from bookings.identity.channels import phone_code_request
from bookings.identity.recovery import password_reset_confirm, password_reset_request
from bookings.models import Notification, NotificationDelivery
from bookings.notify.delivery import notification_deliver
from bookings.tests.factories import sent_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Starry-Night-2027"
REQUEST = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
RESET = OneTimeCode.Purpose.PASSWORD
NOT_PROVEN = "This code is wrong, has expired or was used"


def reset_notes():
    return Notification.objects.filter(
        kind=Notification.Kind.ONE_TIME_CODE, context__purpose=OneTimeCode.Purpose.PASSWORD
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def signs_in(username: str, password: str) -> bool:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response.status_code == 200


# --- where the code goes ---------------------------------------------------------------------


def test_a_username_sends_the_code_by_sms_to_the_verified_phone():
    user = UserFactory(username="li.wei")
    issued = password_reset_request(identifier="LI.WEI")
    note = reset_notes().get()
    assert (note.channel, note.address, note.recipient_id) == ("sms", user.phone, user.pk)
    assert issued is not None
    assert issued.row.target == user.phone


def test_the_verified_phone_in_any_spelling_names_the_account():
    user = UserFactory(phone="+8613912345678", verified_phone="+8613912345678")
    password_reset_request(identifier="139 1234 5678")
    assert reset_notes().get().recipient_id == user.pk


def test_the_verified_e_mail_address_typed_gets_the_code_by_e_mail():
    user = UserFactory(email="Wang.Fang@example.com", verified_email="Wang.Fang@example.com")
    password_reset_request(identifier="wang.fang@EXAMPLE.com")
    note = reset_notes().get()
    assert (note.channel, note.address, note.recipient_id) == ("email", user.email, user.pk)


def test_without_a_verified_phone_the_code_goes_to_the_verified_e_mail():
    user = UserFactory(verified_phone="", phone_verified_at=None)
    password_reset_request(identifier=user.username)
    assert reset_notes().get().channel == "email"


@pytest.mark.parametrize(
    "identifier",
    [
        "nobody.here",  # no such account
        "13900000000",  # a phone nobody verified
        "unverified.owner",  # an account with no verified channel
        "+8613700000001",  # typed on an account but not proven
        "chen@example.com",  # typed on an account but not proven
        "   ",
    ],
)
def test_nothing_is_sent_where_no_account_has_proven_the_channel(identifier):
    UnverifiedUserFactory(username="unverified.owner")
    UnverifiedUserFactory(phone="+8613700000001", email="chen@example.com")
    assert password_reset_request(identifier=identifier) is None
    assert not reset_notes().exists()
    assert not OneTimeCode.objects.exists()


def test_a_phone_proven_once_but_changed_since_names_nobody():
    # The old number may be someone else's now; the account's e-mail address stays proven.
    user = UserFactory(phone="+8613912345678")
    user.phone = "+8613912349999"  # typed, not proven
    user.save()
    assert password_reset_request(identifier="+8613912345678") is None
    assert not reset_notes().exists()


def test_an_address_proven_once_but_changed_since_names_nobody():
    user = UserFactory(email="old@example.com")
    user.email = "new@example.com"  # typed, not proven; the phone stays proven
    user.save()
    assert password_reset_request(identifier="old@example.com") is None
    assert not reset_notes().exists()


def test_a_channel_without_the_time_it_was_proven_is_not_proven():
    user = UserFactory(phone_verified_at=None, email_verified_at=None)
    assert password_reset_request(identifier=user.phone) is None
    assert password_reset_request(identifier=user.email) is None
    assert password_reset_request(identifier=user.username) is None
    assert not reset_notes().exists()


def test_an_inactive_account_and_a_counter_customer_get_no_code():
    UserFactory(username="gone", is_active=False)
    UserFactory(username="counter", is_counter_customer=True)
    assert password_reset_request(identifier="gone") is None
    assert password_reset_request(identifier="counter") is None
    assert not reset_notes().exists()


def test_an_alliance_admin_sets_no_password_by_a_code():
    admin = AdminFactory(username="ops")
    staff = UserFactory(username="ops.reader", is_staff=True)
    root = UserFactory(username="root", is_superuser=True)
    for name in ("ops", admin.phone, admin.email, "ops.reader", staff.phone, "root", root.email):
        assert password_reset_request(identifier=name) is None
    assert not reset_notes().exists()


def test_an_address_two_accounts_verified_names_neither():
    UserFactory(email="family@example.com", verified_email="family@example.com")
    UserFactory(email="family@example.com", verified_email="family@example.com")
    assert password_reset_request(identifier="family@example.com") is None
    assert not reset_notes().exists()


def test_at_the_sending_limit_nothing_more_is_sent_and_nothing_is_said():
    user = UserFactory()
    for _ in range(MAX_SENDS_PER_ACCOUNT):
        assert password_reset_request(identifier=user.username) is not None
    assert password_reset_request(identifier=user.username) is None
    assert reset_notes().count() == MAX_SENDS_PER_ACCOUNT


# --- the new password ------------------------------------------------------------------------


def test_the_code_sets_the_new_password_and_ends_every_token():
    user = UserFactory()
    user_token(user=user)
    password_reset_request(identifier=user.username)
    password_reset_confirm(
        identifier=user.username, code=sent_code(user, RESET), new_password=NEW_PASSWORD
    )
    assert not AuthToken.objects.filter(user=user).exists()
    assert signs_in(user.username, NEW_PASSWORD)
    assert not signs_in(user.username, PASSWORD)


def test_a_code_sets_a_password_once():
    user = UserFactory()
    password_reset_request(identifier=user.username)
    code = sent_code(user, RESET)
    password_reset_confirm(identifier=user.username, code=code, new_password=NEW_PASSWORD)
    with pytest.raises(ValidationError, match=NOT_PROVEN):
        password_reset_confirm(identifier=user.username, code=code, new_password="Other-2027-pw")
    assert signs_in(user.username, NEW_PASSWORD)


def test_a_weak_password_is_refused_without_costing_a_try():
    user = UserFactory()
    password_reset_request(identifier=user.username)
    with pytest.raises(ValidationError, match="new_password"):
        password_reset_confirm(
            identifier=user.username, code=sent_code(user, RESET), new_password="123"
        )
    assert OneTimeCode.objects.get().attempts == 0
    assert OneTimeCode.objects.get().used_at is None
    assert signs_in(user.username, PASSWORD)


def test_wrong_codes_are_counted_and_the_fifth_kills_the_code():
    user = UserFactory()
    password_reset_request(identifier=user.username)
    code = sent_code(user, RESET)
    for _ in range(MAX_TRIES):
        with pytest.raises(ValidationError, match=NOT_PROVEN):
            password_reset_confirm(
                identifier=user.username, code=wrong(code), new_password=NEW_PASSWORD
            )
    assert OneTimeCode.objects.get().attempts == MAX_TRIES
    with pytest.raises(ValidationError, match=NOT_PROVEN):
        password_reset_confirm(identifier=user.username, code=code, new_password=NEW_PASSWORD)
    assert signs_in(user.username, PASSWORD)


def test_a_weak_password_with_a_wrong_code_is_refused_for_the_code():
    """The password is judged only once the code is proven: its refusal would otherwise tell
    an account that exists from a name that does not."""
    user = UserFactory()
    password_reset_request(identifier=user.username)
    with pytest.raises(ValidationError) as refused:
        password_reset_confirm(
            identifier=user.username, code=wrong(sent_code(user, RESET)), new_password="123"
        )
    assert set(refused.value.message_dict) == {"code"}
    assert OneTimeCode.objects.get().attempts == 1


def test_a_code_proven_once_sets_no_password_after_a_newer_code_replaced_it():
    user = UserFactory()
    password_reset_request(identifier=user.username)
    code = sent_code(user, RESET)
    with pytest.raises(ValidationError, match="new_password"):
        password_reset_confirm(identifier=user.username, code=code, new_password="123")
    password_reset_request(identifier=user.username)  # the first code stops working
    with pytest.raises(ValidationError, match=NOT_PROVEN):
        password_reset_confirm(identifier=user.username, code=code, new_password=NEW_PASSWORD)
    assert signs_in(user.username, PASSWORD)


def test_a_code_for_verifying_a_phone_does_not_set_a_password():
    user = UserFactory()
    phone_code = phone_code_request(user=user, phone=user.phone).code
    with pytest.raises(ValidationError, match=NOT_PROVEN):
        password_reset_confirm(identifier=user.username, code=phone_code, new_password=NEW_PASSWORD)


def test_a_code_sent_before_the_phone_changed_no_longer_works():
    user = UserFactory()
    password_reset_request(identifier=user.username)
    code = sent_code(user, RESET)
    user.phone = "+8613912340000"  # changed: no longer the verified phone
    user.email = "new@example.com"
    user.save()
    with pytest.raises(ValidationError, match="address changed"):
        password_reset_confirm(identifier=user.username, code=code, new_password=NEW_PASSWORD)
    assert signs_in(user.username, PASSWORD)


def test_the_new_password_lifts_the_sign_in_lockout(settings):
    user = UserFactory(username="Li.Wei")
    for n in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT):
        signs_in(user.username if n % 2 else user.username.upper(), "not-the-password")
    assert AccessAttempt.objects.exists()
    assert not signs_in(user.username, PASSWORD)  # locked out, even with the right one
    password_reset_request(identifier=user.username)
    password_reset_confirm(
        identifier=user.username, code=sent_code(user, RESET), new_password=NEW_PASSWORD
    )
    assert not AccessAttempt.objects.exists()
    assert signs_in(user.username, NEW_PASSWORD)


# --- the API ---------------------------------------------------------------------------------


def test_the_api_answers_alike_for_an_account_and_for_nobody(api):
    user = UserFactory()
    known = api.post(REQUEST, {"account": user.username}, format="json")
    unknown = api.post(REQUEST, {"account": "nobody.at.all"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert "10 minutes" in known.json()["detail"]
    assert reset_notes().count() == 1


def test_the_api_sets_the_new_password_with_the_code(api):
    user = UserFactory()
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {user_token(user=user).token}")
    api.post(REQUEST, {"account": user.phone}, format="json")
    body = {"account": user.phone, "code": sent_code(user, RESET), "new_password": NEW_PASSWORD}
    response = api.post(CONFIRM, body, format="json")
    assert response.status_code == 204, response.content
    assert signed_in.get("/api/v1/me/").status_code == 401  # the earlier token ended
    assert signs_in(user.username, NEW_PASSWORD)


def test_the_api_refuses_a_wrong_code_in_the_error_shape(api):
    user = UserFactory()
    api.post(REQUEST, {"account": user.username}, format="json")
    body = {
        "account": user.username,
        "code": wrong(sent_code(user, RESET)),
        "new_password": NEW_PASSWORD,
    }
    response = api.post(CONFIRM, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]["code"][0].startswith(NOT_PROVEN)


@pytest.mark.parametrize("new_password", [NEW_PASSWORD, "123"])
def test_the_api_refuses_a_code_alike_for_an_account_and_for_nobody(api, new_password):
    """An account's phone number is personal data: a code sent to it and then given wrong, or
    none sent at all, answers as a name nobody has, whatever the password given with it."""
    user = UserFactory()
    api.post(REQUEST, {"account": user.phone}, format="json")  # a code waits for this one
    guess = wrong(sent_code(user, RESET))
    answers = [
        api.post(
            CONFIRM,
            {"account": account, "code": guess, "new_password": new_password},
            format="json",
        )
        for account in [user.phone, UserFactory().phone, "+8613900000000", "nobody.at.all"]
    ]
    assert {response.status_code for response in answers} == {400}
    assert len({response.content for response in answers}) == 1


def test_the_api_refuses_a_malformed_code_and_a_weak_password_by_field(api):
    user = UserFactory()
    body = {"account": user.username, "code": "12ab", "new_password": NEW_PASSWORD}
    assert set(api.post(CONFIRM, body, format="json").json()["fields"]) == {"code"}
    api.post(REQUEST, {"account": user.username}, format="json")
    body = {"account": user.username, "code": sent_code(user, RESET), "new_password": "password"}
    response = api.post(CONFIRM, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"new_password"}


def test_the_api_limits_requests_per_address(api, monkeypatch):
    # The rates are read once, when DRF's settings load: the class attribute holds them.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"password-reset": "2/hour"})
    statuses = [
        api.post(REQUEST, {"account": f"someone{n}"}, format="json").status_code for n in range(3)
    ]
    assert statuses == [202, 202, 429]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "to set a new password"), ("zh-hans", "用于设置新密码")],
)
def test_the_message_says_what_the_code_is_for_in_the_owners_language(language, words):
    user = UserFactory(language=language)
    password_reset_request(identifier=user.username)
    assert notification_deliver(notification_id=reset_notes().get().pk) == "sent"
    body = NotificationDelivery.objects.get().body
    assert words in body
    assert "••••••" in body  # the code itself is kept nowhere once sent
