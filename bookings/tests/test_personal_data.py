"""Personal data rights (PIPL): a copy of everything held about me, and erasure that keeps the
anonymous history for the audit."""

import datetime as dt
import json

import pytest
from django.utils import timezone, translation
from knox.models import AuthToken

from accounts.models import User
from accounts.services import user_token
from accounts.tests.factories import PASSWORD
from bookings.lifecycle.feedback import feedback_leave
from bookings.models import Booking, Notification
from bookings.personal_data.services import account_erase
from bookings.tests.factories import BookingFactory, next_local
from conftest import client_for
from hima_service.exceptions import Conflict, RuleViolation
from vehicles.tests.factories import VehicleFactory, vehicle_model

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A token request activates its user's language for the thread; later tests that call
    services directly must not inherit it."""
    yield
    translation.deactivate()


def _past(days: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(days=days)


@pytest.fixture
def history(world):
    """The owner's finished visit last week (rated) and a booking made online for tomorrow."""
    done = BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=_past(7),
        end=_past(7) + dt.timedelta(hours=1),
        status=Booking.Status.COMPLETED,
        completed_at=_past(7) + dt.timedelta(hours=1),
        notes="Gate code 4711",
        services=[world.service],
    )
    feedback_leave(booking=done, owner=world.owner, rating=5, comment="Thanks, Li Hua")
    created = world.api("owner").post(
        "/api/v1/bookings/",
        world.payload(
            mode="pickup_delivery", pickup_address="88 Century Avenue", notes="Call first"
        ),
    )
    assert created.status_code == 201, created.json()
    return done, Booking.objects.get(reference=created.json()["reference"])


def _token_client(user):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(user=user).token}")
    return client


# --- export ---


def test_export_holds_my_account_cars_bookings_history_feedback_and_messages(world, history):
    done, upcoming = history
    response = world.api("owner").get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="hima-my-data-')
    data = json.loads(response.content)
    assert data["account"]["username"] == "owner"
    assert data["account"]["first_name"] == "Li"
    assert data["account"]["phone"] == world.owner.phone
    assert data["account"]["time_zone"] == world.owner.time_zone
    assert [v["vin"] for v in data["vehicles"]] == [world.vehicle.vin]
    bookings = {b["reference"]: b for b in data["bookings"]}
    assert set(bookings) == {done.reference, upcoming.reference}
    assert bookings[done.reference]["notes"] == "Gate code 4711"
    assert bookings[done.reference]["feedback"]["comment"] == "Thanks, Li Hua"
    assert bookings[done.reference]["services"][0]["code"] == world.service.code
    assert bookings[upcoming.reference]["pickup_address"] == "88 Century Avenue"
    assert bookings[upcoming.reference]["events"][0]["kind"] == "created"
    assert {n["booking"] for n in data["notifications"]} == {upcoming.reference}
    assert {n["kind"] for n in data["notifications"]} >= {"confirmation"}


def test_export_holds_nobody_elses_data(world, history):
    theirs = VehicleFactory(owner=world.other_owner, model=vehicle_model("luxeed-s7"))
    other = BookingFactory(
        vehicle=theirs, outlet=world.outlet, bay=world.bays[1], notes="someone else's note"
    )
    text = world.api("owner").get("/api/v1/me/export/").content.decode()
    assert other.reference not in text
    assert theirs.vin not in text
    assert "someone else's note" not in text
    assert world.other_owner.username not in text


def test_export_needs_a_signed_in_user(api):
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- erase ---


def test_erase_blanks_personal_fields_revokes_tokens_and_cancels_future_bookings(world, history):
    done, upcoming = history
    world.owner.verified_phone = world.owner.phone
    world.owner.phone_verified_at = timezone.now()
    world.owner.save(update_fields=["verified_phone", "phone_verified_at"])
    client = _token_client(world.owner)

    response = client.delete("/api/v1/me/", {"password": PASSWORD})

    assert response.status_code == 204
    user = User.objects.get(pk=world.owner.pk)
    assert user.username.startswith("erased-")
    assert (user.first_name, user.last_name, user.email, user.phone) == ("", "", "", "")
    assert (user.verified_phone, user.phone_verified_at) == ("", None)
    assert not user.is_active
    assert not user.has_usable_password()
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get("/api/v1/me/").status_code == 401

    upcoming.refresh_from_db()
    assert upcoming.status == Booking.Status.CANCELLED
    assert not upcoming.is_active  # its bay is free again
    assert upcoming.pickup_address == "[erased]"  # a pickup booking keeps a placeholder
    assert upcoming.notes == ""
    assert upcoming.events.filter(to_status="cancelled", details__reason="account erased").exists()
    done.refresh_from_db()
    assert done.status == Booking.Status.COMPLETED
    assert done.notes == ""
    assert done.feedback.rating == 5
    assert done.feedback.comment == ""
    world.vehicle.refresh_from_db()
    assert world.vehicle.plate == ""


def test_erase_sends_nothing_to_the_erased_person(world, history):
    _, upcoming = history
    account_erase(user=world.owner, password=PASSWORD)
    assert not Notification.objects.filter(booking=upcoming, kind="cancelled").exists()
    assert not Notification.objects.filter(
        recipient=world.owner, status=Notification.Status.PENDING
    ).exists()


def test_erase_keeps_the_history_countable_in_the_audit(world, history):
    period = {
        "date_from": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "date_to": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
    }
    audit = world.api("brand_admin")
    before = audit.get("/api/v1/audit/outlets/", period).json()["total"]

    account_erase(user=world.owner, password=PASSWORD)

    after = audit.get("/api/v1/audit/outlets/", period).json()["total"]
    assert after["bookings"] == before["bookings"] == 2
    assert after["completed"] == before["completed"] == 1
    assert after["rated"] == before["rated"] == 1
    assert after["cancelled"] == before["cancelled"] + 1


def test_erase_with_a_wrong_password_is_refused_and_changes_nothing(world, history):
    _, upcoming = history
    response = world.api("owner").delete("/api/v1/me/", {"password": "not-it"})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The password is not right; your account was not erased."
    assert "password" in body["fields"]
    world.owner.refresh_from_db()
    assert world.owner.is_active
    assert world.owner.first_name == "Li"
    upcoming.refresh_from_db()
    assert upcoming.status == Booking.Status.CONFIRMED


def test_erase_without_the_password_is_a_field_error(world):
    response = world.api("owner").delete("/api/v1/me/", {})
    assert response.status_code == 400
    assert "password" in response.json()["fields"]


def test_erase_waits_while_the_car_is_at_the_outlet(world):
    visit = BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=timezone.now() - dt.timedelta(minutes=30),
        end=timezone.now() + dt.timedelta(minutes=30),
        status=Booking.Status.IN_SERVICE,
    )
    response = world.api("owner").delete("/api/v1/me/", {"password": PASSWORD})
    assert response.status_code == 409
    assert response.json()["code"] == "erasure_blocked"
    assert visit.reference in response.json()["detail"]
    world.owner.refresh_from_db()
    assert world.owner.is_active


def test_erase_waits_for_a_booking_too_close_to_cancel_online(world):
    soon = BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=timezone.now() + dt.timedelta(hours=1),
        end=timezone.now() + dt.timedelta(hours=2),
    )
    with pytest.raises(Conflict, match=soon.reference):
        account_erase(user=world.owner, password=PASSWORD)
    soon.refresh_from_db()
    assert soon.status == Booking.Status.CONFIRMED


def test_erase_refusal_is_in_the_users_language(world):
    world.owner.language = "zh-hans"
    world.owner.save(update_fields=["language"])
    response = _token_client(world.owner).delete("/api/v1/me/", {"password": "not-it"})
    assert response.status_code == 400
    assert response.json()["detail"] == "密码不正确，账户未被删除。"


def test_erase_leaves_other_owners_alone(world, history):
    theirs = VehicleFactory(owner=world.other_owner, model=vehicle_model("luxeed-s7"))
    other = BookingFactory(
        vehicle=theirs, outlet=world.outlet, bay=world.bays[1], start=next_local(14), notes="x"
    )
    account_erase(user=world.owner, password=PASSWORD)
    other.refresh_from_db()
    assert other.status == Booking.Status.CONFIRMED
    assert other.notes == "x"
    world.other_owner.refresh_from_db()
    assert world.other_owner.is_active


def test_erase_service_checks_the_password(world):
    with pytest.raises(RuleViolation):
        account_erase(user=world.owner, password="wrong")


def test_erase_forgets_the_answers_staff_could_replay_about_the_persons_bookings(world):
    """A staff POST repeated with its Idempotency-Key replays the first answer for a day: after
    the owner's erasure it must not bring back their name, address and notes."""
    booking = BookingFactory(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        mode=Booking.Mode.PICKUP_DELIVERY,
        pickup_address="88 Century Avenue, Pudong",
        notes="Gate code 4711",
        services=[world.service],
        start=world.start(days=3),
    )
    staff = world.api("advisor")
    path = f"/api/v1/bookings/{booking.reference}/cancel/"
    first = staff.post(path, {"reason": "bay closed"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert "Gate code 4711" in str(first.json())
    erased = world.api("owner").delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert erased.status_code == 204
    replay = staff.post(path, {"reason": "bay closed"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert "Idempotent-Replayed" not in replay.headers
    assert "Gate code 4711" not in str(replay.json())
    assert "Century Avenue" not in str(replay.json())
