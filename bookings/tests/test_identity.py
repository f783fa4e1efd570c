"""Trust in people and cars: verified channels, verified owners, walk-ins that never attach a
car or a visit by a typed phone or to an unverified holder."""

import pytest

from accounts.codes import MAX_SENDS_PER_ACCOUNT
from accounts.models import OneTimeCode, User
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from bookings.models import Booking, Notification, NotificationDelivery
from bookings.notify.delivery import notification_deliver
from bookings.notify.outbox import notify_booking_created
from bookings.tests.factories import BookingFactory, next_local, sent_code
from conftest import client_for
from vehicles.models import DeliveryRecord, OwnershipVerification, Vehicle
from vehicles.tests.factories import UnverifiedVehicleFactory, brand, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db

NEW_VIN = valid_vin(601, wmi="LVV")


def walk_in(world, who="advisor", outlet=None, **overrides):
    outlet = outlet or world.outlet
    payload = {"vin": NEW_VIN, "model": "luxeed-r7", "services": [world.service.code]}
    return world.api(who).post(
        f"/api/v1/outlets/{outlet.code}/walk-ins/", {**payload, **overrides}, format="json"
    )


# --- verified channels ------------------------------------------------------------------------


def test_an_owner_verifies_a_new_phone_with_the_code_sent_to_it():
    user = UnverifiedUserFactory()
    api = client_for(user)
    response = api.post("/api/v1/me/phone/", {"phone": "139 1234 8000"}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["sent_to"] == "139****8000"
    note = Notification.objects.get(kind=Notification.Kind.ONE_TIME_CODE)
    assert note.address == "+8613912348000"
    code = note.context["code"]
    assert notification_deliver(notification_id=note.pk) == "sent"
    # Sent, the code is kept nowhere in clear: the sent log masks it, the outbox row drops it.
    assert code not in NotificationDelivery.objects.get().body
    assert "••••••" in NotificationDelivery.objects.get().body
    assert "code" not in Notification.objects.get(pk=note.pk).context

    response = api.post("/api/v1/me/phone/verify/", {"code": code}, format="json")
    assert response.status_code == 200, response.json()
    user.refresh_from_db()
    assert user.phone == "+8613912348000"
    assert user.phone_is_verified


def test_a_wrong_code_is_a_field_error_and_verifies_nothing():
    user = UnverifiedUserFactory()
    api = client_for(user)
    api.post("/api/v1/me/phone/", {"phone": "13912348000"}, format="json")
    code = sent_code(user, purpose="phone")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = api.post("/api/v1/me/phone/verify/", {"code": wrong}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "4 tries left" in response.json()["fields"]["code"][0]
    user.refresh_from_db()
    assert not user.phone_is_verified
    assert OneTimeCode.objects.get().attempts == 1


def test_changing_the_phone_clears_its_verification():
    user = UserFactory()
    assert user.phone_is_verified
    client_for(user).post("/api/v1/me/phone/", {"phone": "13912348001"}, format="json")
    user.refresh_from_db()
    assert not user.phone_is_verified


def test_too_many_codes_answer_429_in_the_error_shape_with_retry_after():
    api = client_for(UnverifiedUserFactory())
    for n in range(MAX_SENDS_PER_ACCOUNT):
        assert api.post("/api/v1/me/phone/", {"phone": f"139123480{n:02d}"}).status_code == 202
    response = api.post("/api/v1/me/phone/", {"phone": "13912348099"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_an_email_address_is_verified_the_same_way():
    user = UnverifiedUserFactory()
    api = client_for(user)
    response = api.post("/api/v1/me/email/", {"email": "li@example.cn"}, format="json")
    assert response.status_code == 202
    code = sent_code(user, purpose="email")
    assert api.post("/api/v1/me/email/verify/", {"code": code}).status_code == 200
    user.refresh_from_db()
    assert user.email_is_verified


def test_an_unverified_phone_gets_nothing_but_its_code():
    # Given an account whose phone and e-mail nobody proved, with a booking
    owner = UnverifiedUserFactory()
    booking = BookingFactory(vehicle=UnverifiedVehicleFactory(owner=owner))
    notify_booking_created(booking=booking)
    client_for(owner).post("/api/v1/me/phone/", {"phone": owner.phone}, format="json")
    # When the outbox delivers everything due
    outcomes = {
        note.kind + ":" + note.channel: notification_deliver(notification_id=note.pk)
        for note in Notification.objects.all()
    }
    # Then only the code went out; the confirmation is skipped, marked why
    assert outcomes["one_time_code:sms"] == "sent"
    assert outcomes["confirmation:sms"] == "skipped"
    assert outcomes["confirmation:email"] == "skipped"
    skipped = Notification.objects.get(kind="confirmation", channel="sms")
    assert skipped.last_error == "address not verified"
    assert NotificationDelivery.objects.get().notification.kind == "one_time_code"


# --- finding 1: a walk-in's car never goes to whoever typed the phone --------------------------


def test_a_walk_in_never_attaches_a_new_car_to_the_account_that_typed_its_phone(world):
    attacker = UnverifiedUserFactory(phone="+8613812345678")
    response = walk_in(world, owner_phone="+8613812345678", owner_name="Victim")
    assert response.status_code == 201, response.json()
    vehicle = Vehicle.objects.get(vin=NEW_VIN)
    assert vehicle.owner != attacker
    assert vehicle.owner.is_counter_customer
    assert client_for(attacker).get("/api/v1/vehicles/").json()["count"] == 0
    assert client_for(attacker).get("/api/v1/bookings/").json()["count"] == 0


def test_a_walk_in_is_not_attached_to_an_unverified_holder_of_the_vin(world):
    squatter = UserFactory()
    UnverifiedVehicleFactory(owner=squatter, vin=NEW_VIN, model=vehicle_model("luxeed-r7"))
    response = walk_in(world, model="")
    assert response.status_code == 201, response.json()
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.owner.is_counter_customer
    assert client_for(squatter).get("/api/v1/bookings/").json()["count"] == 0


# --- finding 2: VIN squatting -----------------------------------------------------------------


def test_the_real_owner_wins_a_squatted_vin_by_the_delivery_record_code(world):
    # Given a squatter who added the real owner's VIN and booked it
    squatter = UserFactory(username="squatter")
    squatted = UnverifiedVehicleFactory(
        owner=squatter, vin=NEW_VIN, model=vehicle_model("luxeed-r7")
    )
    future = BookingFactory(vehicle=squatted, outlet=world.outlet, bay=world.bays[0])
    real = UserFactory(username="real", phone="+8613900002222")
    DeliveryRecord.objects.create(
        brand=brand("LUXEED"),
        vin=NEW_VIN,
        buyer_phone="+8613900002222",
        uploaded_by=world.brand_admin,
        uploaded_at=future.created_at,
    )
    real_api = client_for(real)
    # When the real owner adds the car (allowed: the squatter's hold is unverified)
    added = real_api.post(
        "/api/v1/vehicles/", {"vin": NEW_VIN, "model": "luxeed-r7"}, format="json"
    )
    assert added.status_code == 201, added.json()
    car = added.json()["id"]
    # and proves it by the code sent to the delivery record's phone
    sent = real_api.post(f"/api/v1/vehicles/{car}/verify/")
    assert sent.status_code == 202, sent.json()
    assert sent.json()["sent_to"] == "139****2222"
    code = sent_code(real, purpose="vehicle")
    assert Notification.objects.get(kind="one_time_code").address == "+8613900002222"
    confirmed = real_api.post(f"/api/v1/vehicles/{car}/verify/confirm/", {"code": code})
    # Then the car is theirs, verified
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["verified_via"] == "delivery_record"
    # and the squatter lost it, is told why, and their future booking is cancelled
    squatted.refresh_from_db()
    assert squatted.released_at is not None
    assert client_for(squatter).get("/api/v1/vehicles/").json()["count"] == 0
    future.refresh_from_db()
    assert future.status == Booking.Status.CANCELLED
    assert "owner was verified" in future.cancel_reason
    assert Notification.objects.filter(
        recipient=squatter, kind=Notification.Kind.VEHICLE_RELEASED
    ).exists()
    # and cannot add it again: the refusal says how to claim it
    again = client_for(squatter).post(
        "/api/v1/vehicles/", {"vin": NEW_VIN, "model": "luxeed-r7"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "vehicle_verified_elsewhere"
    assert "registration certificate" in again.json()["detail"]
    # and a walk-in of the car now goes to its verified owner
    visit = walk_in(world, model="")
    assert visit.json()["owner"]["id"] == real.pk


def test_a_car_without_a_delivery_record_is_told_to_go_to_the_counter(world):
    owner = UserFactory()
    car = UnverifiedVehicleFactory(owner=owner)
    response = client_for(owner).post(f"/api/v1/vehicles/{car.pk}/verify/")
    assert response.status_code == 400
    assert "counter" in response.json()["detail"]
    assert not OneTimeCode.objects.exists()


def test_someone_elses_car_cannot_be_verified(world):
    response = world.api("other_owner").post(f"/api/v1/vehicles/{world.vehicle.pk}/verify/")
    assert response.status_code == 404


# --- finding 3: staff of any outlet never learn an owner's name --------------------------------


@pytest.mark.parametrize("who", ["advisor", "staff_elsewhere"])
def test_a_walk_in_shows_the_verified_owner_masked_only(world, who):
    outlet = world.outlet if who == "advisor" else world.other_outlet
    response = walk_in(world, who=who, outlet=outlet, vin=world.vehicle.vin, model="")
    assert response.status_code == 201, response.json()
    owner = response.json()["owner"]
    assert owner["id"] == world.owner.pk
    assert owner["name"] == "H*"  # Li Hua: family name Hua
    assert owner["phone"].startswith("138****")
    assert "Hua" not in response.content.decode()
    detail = world.api(who).get(f"/api/v1/bookings/{response.json()['reference']}/")
    assert detail.json()["owner"]["name"] == "H*"


# --- verified at the counter ------------------------------------------------------------------


def test_staff_verify_an_owner_at_the_counter_and_the_visit_follows_the_car(world):
    visit = walk_in(world).json()
    person = UserFactory(first_name="Wei", last_name="李", phone="+8613800008000")
    response = world.api("advisor").post(
        f"/api/v1/outlets/{world.outlet.code}/vehicles/verify/",
        {"booking": visit["reference"], "phone": "138 0000 8000"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner"] == {"name": "李*", "phone": "138****8000"}
    audit = OwnershipVerification.objects.get()
    assert (audit.staff, audit.outlet_code, audit.via) == (world.advisor, "SH-PUDONG-01", "counter")
    assert audit.booking_reference == visit["reference"]
    car = Vehicle.objects.get(vin=NEW_VIN, released_at__isnull=True)
    assert car.owner == person
    assert car.is_verified
    assert Booking.objects.get(reference=visit["reference"]).owner == person


def test_the_counter_refuses_a_phone_nobody_verified(world):
    visit = walk_in(world).json()
    UnverifiedUserFactory(phone="+8613800008001")
    response = world.api("advisor").post(
        f"/api/v1/outlets/{world.outlet.code}/vehicles/verify/",
        {"booking": visit["reference"], "phone": "+8613800008001"},
        format="json",
    )
    assert response.status_code == 400
    assert "phone" in response.json()["fields"]
    assert not OwnershipVerification.objects.exists()


def test_staff_of_another_outlet_cannot_verify_at_this_counter(world):
    visit = walk_in(world).json()
    response = world.api("staff_elsewhere").post(
        f"/api/v1/outlets/{world.outlet.code}/vehicles/verify/",
        {"booking": visit["reference"], "phone": world.owner.phone},
        format="json",
    )
    assert response.status_code == 404


def test_a_second_hand_buyer_takes_a_verified_car_over_at_the_counter(world):
    # Given the seller's verified car with a future booking, now at the counter with its buyer
    seller_booking = BookingFactory(
        vehicle=world.vehicle, outlet=world.outlet, bay=world.bays[1], start=next_local(10, days=3)
    )
    visit = walk_in(world, vin=world.vehicle.vin, model="").json()
    buyer = UserFactory(phone="+8613800008002")
    response = world.api("advisor").post(
        f"/api/v1/outlets/{world.outlet.code}/vehicles/verify/",
        {"booking": visit["reference"], "phone": buyer.phone},
        format="json",
    )
    assert response.status_code == 200, response.json()
    world.vehicle.refresh_from_db()
    assert world.vehicle.released_at is not None
    assert Vehicle.objects.get(vin=world.vehicle.vin, released_at__isnull=True).owner == buyer
    seller_booking.refresh_from_db()
    assert seller_booking.status == Booking.Status.CANCELLED
    assert (
        User.objects.get(pk=world.owner.pk).vehicles.filter(released_at__isnull=True).count() == 0
    )


def test_a_new_account_is_not_verified(api):
    response = api.post(
        "/api/v1/auth/register/",
        {"username": "newcomer", "password": "a-long-demo-pass-2026", "phone": "13900000100"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phone_is_verified"] is False
    assert not User.objects.get(username="newcomer").phone_is_verified
