"""Sign-in lockout (django-axes): failures only, per account from any address, per address only
after many more; and sign-in, registration and booking ride a Redis outage."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from bookings.models import Booking
from bookings.tests.factories import next_local
from hima_service.celery import app as celery_app
from hima_service.testing import private_redis
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
OUTLET_ROUTER = "203.0.113.7"  # twenty advisors, hundreds of owners: one public address


def sign_in(username: str, password: str, *, address: str = OUTLET_ROUTER):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_thirty_correct_sign_ins_from_one_address_all_succeed():
    users = [UserFactory() for _ in range(30)]
    statuses = [sign_in(user.username, PASSWORD).status_code for user in users]
    assert statuses == [200] * 30
    assert not AccessAttempt.objects.exists()  # successes are never counted


def test_ten_wrong_passwords_lock_the_account_from_any_address():
    victim = UserFactory(username="zhang")
    colleague = UserFactory(username="wang")
    limit = settings.SIGNIN_ACCOUNT_FAILURE_LIMIT
    assert limit == 10

    # Given nine failures, the account still answers "wrong password"...
    for _ in range(limit - 1):
        refused = sign_in(victim.username, "not-the-password")
        assert refused.status_code == 401
        assert refused.json()["code"] == "authentication_failed"
    # ...and the tenth locks it.
    locking = sign_in(victim.username, "not-the-password")
    assert locking.status_code == 429

    # When the owner then signs in with the right password from another address,
    locked = sign_in(victim.username, PASSWORD, address="198.51.100.23")

    # then it is refused with when to try again, in the one error shape,
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "throttled"
    assert body["detail"] == "Too many failed sign-ins for this account; try again in 15 minutes."
    assert set(body) == {"code", "detail"}
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    # and the attempt made while locked does not extend the lockout.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == limit

    # Other accounts, even from the same address as the failures, still sign in.
    assert sign_in(colleague.username, PASSWORD).status_code == 200
    assert sign_in(colleague.username, PASSWORD, address="198.51.100.23").status_code == 200


def test_failures_in_any_case_of_the_username_count_against_one_account():
    """A username signs in whatever its case, so its failures are one count: ten spellings
    must not buy ten times the tries."""
    victim = UserFactory(username="Zhang.Wei")
    limit = settings.SIGNIN_ACCOUNT_FAILURE_LIMIT
    spellings = ["zhang.wei", "ZHANG.WEI", "Zhang.wei", "zHANG.WEI", "Zhang.Wei"]
    statuses = [
        sign_in(spellings[n % len(spellings)], "not-the-password").status_code for n in range(limit)
    ]
    assert statuses == [401] * (limit - 1) + [429]
    assert sign_in("zhang.WEI", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"zhang.wei"}
    assert sign_in(victim.username.upper(), PASSWORD, address="198.51.100.9").status_code == 429


def test_the_lockout_ends_after_its_cool_off(time_machine):
    victim = UserFactory()
    time_machine.move_to("2026-06-01 09:00:00+08:00", tick=False)
    for _ in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT):
        sign_in(victim.username, "not-the-password")
    time_machine.move_to("2026-06-01 09:10:00+08:00", tick=False)
    still_locked = sign_in(victim.username, PASSWORD)
    assert still_locked.status_code == 429
    assert still_locked.json()["detail"].endswith("try again in 5 minutes.")
    assert still_locked.headers["Retry-After"] == "300"

    time_machine.move_to("2026-06-01 09:15:01+08:00", tick=False)
    assert sign_in(victim.username, PASSWORD).status_code == 200


@override_settings(SIGNIN_ADDRESS_FAILURE_LIMIT=25)
def test_an_address_locks_only_after_many_more_failures_across_accounts():
    # A password spray: a few guesses on each of many accounts, from one address.
    targets = [UserFactory() for _ in range(5)]
    bystander = UserFactory()
    statuses = [
        sign_in(target.username, f"guess-{n}").status_code for n in range(5) for target in targets
    ]
    assert statuses[:24] == [401] * 24  # no account reached its own limit of 10
    assert statuses[24] == 429  # the 25th failure from the address locks the address

    from_there = sign_in(bystander.username, PASSWORD)
    assert from_there.status_code == 429
    assert from_there.json()["detail"].startswith("Too many failed sign-ins for this address;")
    # The accounts themselves are not locked: their owners sign in from anywhere else.
    assert sign_in(targets[0].username, PASSWORD, address="198.51.100.23").status_code == 200


def test_a_wrong_password_is_refused_without_a_lockout():
    UserFactory(username="li")
    response = sign_in("li", "wrong")
    assert response.status_code == 401
    assert "Retry-After" not in response.headers


@pytest.fixture
def redis_outage(monkeypatch):
    """Cache and broker on a private redis-server; yields a function that stops it."""
    with private_redis() as server:
        # The broker only: Celery builds its result backend once per process on first use, so a
        # backend pointed here would stay broken for every later test.
        monkeypatch.setattr(celery_app.conf, "broker_url", server.url)
        caches = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
        with override_settings(CACHES=caches, CELERY_BROKER_URL=server.url):
            yield server


def test_sign_in_registration_and_booking_ride_a_redis_outage(
    redis_outage, django_capture_on_commit_callbacks, caplog
):
    service = ServiceTypeFactory(code="outage-check", labour_minutes=60)
    outlet = OutletFactory(services=[service])
    BayFactory(outlet=outlet)
    owner = UserFactory()
    vehicle = VehicleFactory(owner=owner)
    client = APIClient()
    before = {"username": "before", "password": "a-long-passphrase"}
    assert client.post("/api/v1/auth/register/", before).status_code == 201

    # Given Redis is down (the cache of the throttles and the Celery broker),
    redis_outage.stop()
    assert not redis_outage.answers()

    # signing in still answers a token,
    signed_in = client.post(TOKEN_URL, {"username": owner.username, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.content
    # failures are still counted (in PostgreSQL),
    assert sign_in(owner.username, "wrong").status_code == 401
    assert AccessAttempt.objects.filter(username=owner.username).exists()
    # registering (rate-throttled through the cache) still works,
    registered = client.post(
        "/api/v1/auth/register/", {"username": "during", "password": "a-long-passphrase"}
    )
    assert registered.status_code == 201, registered.content
    assert "Cache unavailable (ConnectionError" in caplog.text  # the throttle did ask Redis

    # and a booking is made, its notification kick failing quietly after the commit.
    client.credentials(HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booked = client.post(
            "/api/v1/bookings/",
            {
                "vehicle": vehicle.pk,
                "outlet": outlet.code,
                "services": [service.code],
                "start": next_local(10, days=2).isoformat(),
                "mode": "drop_off",
            },
        )
    assert booked.status_code == 201, booked.content
    assert callbacks  # the kick ran against the stopped broker
    assert Booking.objects.filter(reference=booked.json()["reference"]).exists()


def test_the_admin_sign_in_form_shares_the_lockout(client):
    staff = AdminFactory()
    for _ in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": staff.username, "password": "wrong"})
    # Locked from the form, so locked for the API too (one rule, one count).
    form = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert form.status_code == 429
    assert form.json()["code"] == "throttled"
    assert form.json()["detail"].endswith("try again in 15 minutes.")
    assert int(form["Retry-After"]) > 14 * 60
    assert sign_in(staff.username, PASSWORD, address="127.0.0.1").status_code == 429


def test_authenticate_outside_a_request_is_not_counted():
    # The shell or a management command: no address, nobody to lock out.
    user = UserFactory()
    assert authenticate(username=user.username, password=PASSWORD) == user
    assert authenticate(username=user.username, password="wrong") is None
    assert not AccessAttempt.objects.exists()
