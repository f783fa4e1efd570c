"""Personal data rights reach everything held about the person: the brand's delivery records
that name their phone, the verifications that made them a car's owner, their one-time codes,
the free text of their bookings' history and the messages sent to them. The copy holds all of
it (never a code's value, nor anybody else's phone); the erasure blanks it and keeps the
anonymous rows for the audit."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import OneTimeCode
from accounts.tests.factories import PASSWORD, UnverifiedUserFactory, UserFactory
from bookings.identity.channels import email_code_request
from bookings.identity.ownership import vehicle_code_confirm, vehicle_code_request
from bookings.lifecycle.create import booking_create
from bookings.lifecycle.status import booking_cancel
from bookings.models import BookingEvent, Notification, NotificationDelivery
from bookings.notify.delivery import notification_deliver
from bookings.personal_data.services import account_erase
from conftest import client_for
from vehicles.models import DeliveryRecord, OwnershipVerification, Vehicle
from vehicles.ownership import delivery_records_naming, verified_vehicle
from vehicles.tests.factories import UnverifiedVehicleFactory, brand, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db

VIN = valid_vin(721, wmi="LVV")
TYPED_REASON = "Sold it to my neighbour Wang Fang, call 13911112222"


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


def _record(world, vin: str, phone: str) -> DeliveryRecord:
    return DeliveryRecord.objects.create(
        brand=brand("LUXEED"),
        vin=vin,
        buyer_phone=phone,
        uploaded_by=world.brand_admin,
        uploaded_at=timezone.now(),
    )


@pytest.fixture
def claimed(world):
    """The owner proved a second car by the code sent to the phone in its delivery record (the
    code delivered), has a code for a new e-mail address still waiting, and cancelled a booking
    with a reason that names other people."""
    owner = world.owner
    record = _record(world, VIN, owner.phone)
    car = UnverifiedVehicleFactory(owner=owner, vin=VIN, model=vehicle_model("luxeed-r7"))
    sent = vehicle_code_request(user=owner, vehicle=car)
    note = Notification.objects.get(kind=Notification.Kind.ONE_TIME_CODE, vehicle=car)
    assert notification_deliver(notification_id=note.pk) == "sent"
    vehicle_code_confirm(user=owner, vehicle=car, code=sent.issued.code)
    waiting = email_code_request(user=owner, email="li.hua@example.org")
    booking = booking_create(
        owner=owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        services=[world.service],
        start=world.start(),
    )
    booking_cancel(booking=booking, actor=owner, reason=TYPED_REASON)
    return {"record": record, "car": car, "booking": booking, "waiting_code": waiting.code}


def _export(world) -> dict:
    response = world.api("owner").get("/api/v1/me/export/")
    assert response.status_code == 200
    return json.loads(response.content)


# --- the copy ---------------------------------------------------------------------------------


def test_export_holds_the_delivery_records_naming_my_proven_phone(world, claimed):
    data = _export(world)
    assert data["delivery_records"] == [
        {
            "brand": "LUXEED",
            "vin": VIN,
            "buyer_phone": world.owner.phone,
            "uploaded_at": claimed["record"].uploaded_at.isoformat(),
        }
    ]


def test_export_masks_a_records_phone_that_is_not_mine(world):
    """A car proved by the code to a fleet's phone: the export shows that phone as the verify
    answer did, masked."""
    fleet = "+8613912345678"
    vin = valid_vin(731, wmi="LVV")
    _record(world, vin, fleet)
    car = UnverifiedVehicleFactory(owner=world.owner, vin=vin, model=vehicle_model("luxeed-r7"))
    sent = vehicle_code_request(user=world.owner, vehicle=car)
    vehicle_code_confirm(user=world.owner, vehicle=car, code=sent.issued.code)
    data = _export(world)
    assert [r["buyer_phone"] for r in data["delivery_records"]] == [sent.sent_to]
    assert fleet not in json.dumps(data)


def test_the_records_naming_me_are_found_by_index_not_by_reading_every_record(world, claimed):
    """Two million delivery records at the alliance's size: the export and the erasure walk
    the index of the records the owner's verifications name and that of their proven phone."""
    _record(world, valid_vin(722, wmi="LVV"), "+8613900000001")  # somebody else's
    with CaptureQueriesContext(connection) as queries:
        assert [r.vin for r in delivery_records_naming(world.owner)] == [VIN]
    [sql] = [q["sql"] for q in queries.captured_queries if "buyer_phone" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "delivery_buyer_phone" in plan
    assert "vehicles_deliveryrecord_pkey" in plan
    assert "Seq Scan on vehicles_deliveryrecord" not in plan


def test_export_holds_my_ownership_verifications_and_cars_as_verified(world, claimed):
    data = _export(world)
    [verification] = data["ownership_verifications"]
    assert (verification["vin"], verification["via"]) == (VIN, "delivery_record")
    car = next(v for v in data["vehicles"] if v["vin"] == VIN)
    assert car["verified_via"] == "delivery_record"
    assert car["verified_at"] is not None
    assert car["released_at"] is None


def test_export_holds_my_codes_but_never_a_codes_value(world, claimed):
    data = _export(world)
    codes = {code["purpose"]: code for code in data["one_time_codes"]}
    assert set(codes) == {"vehicle", "email"}
    assert codes["vehicle"]["used_at"] is not None
    assert codes["email"]["sent_to"] == "li.hua@example.org"
    assert "code_hash" not in json.dumps(data)
    # The waiting code would prove the address without reaching it.
    assert claimed["waiting_code"] not in json.dumps(data)


def test_export_shows_a_delivery_record_phone_masked_where_a_code_went(world, claimed):
    data = _export(world)
    codes = {code["purpose"]: code for code in data["one_time_codes"]}
    assert codes["vehicle"]["sent_to"] == "138****" + world.owner.phone[-4:]
    [vehicle_code] = [
        n for n in data["notifications"] if n["kind"] == "one_time_code" and n["vehicle_vin"]
    ]
    assert vehicle_code["address"] == codes["vehicle"]["sent_to"]
    assert vehicle_code["delivered"]["address"] == codes["vehicle"]["sent_to"]
    assert "code" not in vehicle_code["context"]


def test_export_holds_the_text_of_the_messages_sent_to_me(world, claimed):
    data = _export(world)
    sent = [n for n in data["notifications"] if n["delivered"] is not None]
    assert sent, "the delivered code message is in the copy"
    [delivery] = NotificationDelivery.objects.filter(notification__recipient=world.owner)
    assert sent[0]["delivered"]["body"] == delivery.body
    cancelled = [n for n in data["notifications"] if n["kind"] == "cancelled"]
    assert cancelled
    assert {n["booking"] for n in cancelled} == {claimed["booking"].reference}


def test_export_holds_the_free_text_of_my_bookings_history(world, claimed):
    data = _export(world)
    booking = next(b for b in data["bookings"] if b["reference"] == claimed["booking"].reference)
    assert booking["cancel_reason"] == TYPED_REASON
    assert any(event["details"].get("reason") == TYPED_REASON for event in booking["events"])


def test_export_never_holds_a_delivery_record_of_a_phone_merely_typed(world):
    victim_phone = "+8613977776666"
    record = _record(world, valid_vin(722, wmi="LVV"), victim_phone)
    typist = UnverifiedUserFactory(phone=victim_phone)
    response = client_for(typist).get("/api/v1/me/export/")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["delivery_records"] == []
    assert record.vin not in response.content.decode()


# --- the erasure ------------------------------------------------------------------------------


def test_erase_blanks_the_phone_in_the_delivery_records_and_keeps_them(world, claimed):
    phone = world.owner.phone
    account_erase(user=world.owner, password=PASSWORD)

    record = DeliveryRecord.objects.get(pk=claimed["record"].pk)
    assert record.buyer_phone == f"erased:{record.pk}"
    assert (record.brand.code, record.vin) == ("LUXEED", VIN)
    assert not DeliveryRecord.objects.filter(buyer_phone=phone).exists()


def test_erase_keeps_the_verifications_anonymous_and_deletes_the_codes(world, claimed):
    account_erase(user=world.owner, password=PASSWORD)

    verification = OwnershipVerification.objects.get(vin=VIN)
    assert verification.owner.username.startswith("erased-")
    assert verification.owner.phone == ""
    assert not OneTimeCode.objects.filter(user=world.owner).exists()


def test_erase_blanks_the_free_text_of_the_events_and_keeps_their_facts(world, claimed):
    account_erase(user=world.owner, password=PASSWORD)

    booking = claimed["booking"]
    booking.refresh_from_db()
    assert booking.cancel_reason == "[erased]"
    cancelled = booking.events.get(to_status="cancelled")
    assert (cancelled.from_status, cancelled.details) == ("confirmed", {"reason": "[erased]"})
    created = booking.events.get(kind=BookingEvent.Kind.CREATED)
    assert created.details["start"] == world.start().isoformat()
    assert created.details["bay"] == "B1"
    assert not BookingEvent.objects.filter(details__reason=TYPED_REASON).exists()
    assert TYPED_REASON not in json.dumps(list(booking.events.values_list("details", flat=True)))


def test_erase_blanks_the_messages_sent_and_waiting(world, claimed):
    account_erase(user=world.owner, password=PASSWORD)

    for note in Notification.objects.filter(recipient=world.owner):
        assert (note.address, note.context) == ("", {})
        assert note.status != Notification.Status.PENDING
    for delivery in NotificationDelivery.objects.filter(notification__recipient=world.owner):
        assert (delivery.address, delivery.subject, delivery.body) == ("", "", "")


def test_erase_releases_the_cars_so_their_next_owner_takes_them_over(world, claimed):
    phone = world.owner.phone
    account_erase(user=world.owner, password=PASSWORD)

    assert verified_vehicle(VIN) is None
    car = Vehicle.objects.get(pk=claimed["car"].pk)
    assert car.released_at is not None
    assert car.release_reason == "account_erased"
    # The same person with a new account (or the car's next owner) may add it; the erased
    # record proves nobody, so the way to claim it is the counter.
    again = UserFactory(phone=phone)
    added = client_for(again).post(
        "/api/v1/vehicles/", {"vin": VIN, "model": "luxeed-r7"}, format="json"
    )
    assert added.status_code == 201, added.json()
    sent = client_for(again).post(f"/api/v1/vehicles/{added.json()['id']}/verify/")
    assert sent.status_code == 400
    assert "counter" in sent.json()["detail"]


def test_erasing_an_account_that_typed_someone_elses_phone_leaves_their_record(world):
    victim_phone = "+8613977775555"
    record = _record(world, valid_vin(723, wmi="LVV"), victim_phone)
    typist = UnverifiedUserFactory(phone=victim_phone)

    account_erase(user=typist, password=PASSWORD)

    record.refresh_from_db()
    assert record.buyer_phone == victim_phone
