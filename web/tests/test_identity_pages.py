"""The identity pages through Django's test client: verify a phone, a car, an owner at the
counter; upload delivery records. Both languages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from bookings.models import Booking, Notification
from bookings.tests.factories import BookingFactory, sent_code
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.models import DeliveryRecord, OwnershipVerification, Vehicle
from vehicles.tests.factories import (
    BrandMembershipFactory,
    UnverifiedVehicleFactory,
    brand,
    valid_vin,
    vehicle_model,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_owner_verifies_their_phone_on_the_page():
    user = UnverifiedUserFactory()
    client = signed_in(user)
    url = reverse("web:verify-phone")
    assert "nothing but its code" in client.get(url).content.decode()
    sent = client.post(url, {"phone": "13912340000", "send": "1"}, follow=True)
    assert "139****0000" in sent.content.decode()
    done = client.post(url, {"code": sent_code(user), "verify": "1"}, follow=True)
    assert "Your phone number is verified." in done.content.decode()
    user.refresh_from_db()
    assert user.phone_is_verified


def test_an_owner_verifies_their_e_mail_address_on_the_page():
    user = UnverifiedUserFactory(email="li.wei@example.com")
    client = signed_in(user)
    vehicles = client.get(reverse("web:vehicles")).content.decode()
    assert 'href="/account/email/"' in vehicles  # the way there, while it is not proven
    url = reverse("web:verify-email")
    page = client.get(url).content.decode()
    assert 'value="li.wei@example.com"' in page
    sent = client.post(url, {"email": "wei.li@example.com", "send": "1"}, follow=True)
    assert "A code was sent to wei.li@example.com." in sent.content.decode()
    note = Notification.objects.get(kind="one_time_code", recipient=user)
    assert (note.channel, note.address) == ("email", "wei.li@example.com")
    done = client.post(url, {"code": sent_code(user), "verify": "1"}, follow=True)
    assert "Your e-mail address is verified." in done.content.decode()
    user.refresh_from_db()
    assert user.email_is_verified
    assert user.email == "wei.li@example.com"
    assert 'href="/account/email/"' not in client.get(reverse("web:vehicles")).content.decode()
    assert "E-mail goes to wei.li@example.com." in client.get("/my-data/").content.decode()


def test_a_malformed_e_mail_address_is_refused_next_to_its_field():
    client = signed_in(UnverifiedUserFactory())
    response = client.post(reverse("web:verify-email"), {"email": "not-an-address", "send": "1"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert not Notification.objects.exists()


def test_a_wrong_code_is_shown_next_to_its_field_in_chinese():
    user = UnverifiedUserFactory(language="zh-hans")
    client = signed_in(user)
    client.post(reverse("web:verify-phone"), {"phone": "13912340001", "send": "1"})
    wrong = f"{(int(sent_code(user)) + 1) % 1_000_000:06d}"
    response = client.post(
        reverse("web:verify-phone"), {"code": wrong, "verify": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.content.decode()


def test_an_owner_verifies_a_car_by_the_delivery_record_code():
    user = UserFactory()
    car = UnverifiedVehicleFactory(owner=user)
    DeliveryRecord.objects.create(
        brand=car.model.brand,
        vin=car.vin,
        buyer_phone="+8613900004444",
        uploaded_by=UserFactory(),
        uploaded_at=car.created_at,
    )
    client = signed_in(user)
    url = reverse("web:vehicle-verify", args=[car.pk])
    assert "Verify that it is yours" in client.get(reverse("web:vehicles")).content.decode()
    sent = client.post(url, {"send": "1"}, follow=True)
    assert "139****4444" in sent.content.decode()
    done = client.post(url, {"code": sent_code(user), "verify": "1"}, follow=True)
    assert "verified owner" in done.content.decode()
    car.refresh_from_db()
    assert car.is_verified


def test_a_car_with_no_delivery_record_is_told_how_to_verify_at_the_counter():
    user = UserFactory()
    car = UnverifiedVehicleFactory(owner=user)
    response = signed_in(user).post(reverse("web:vehicle-verify", args=[car.pk]), {"send": "1"})
    assert response.status_code == 400
    assert "registration certificate" in response.content.decode()


def test_adding_a_car_verified_to_someone_else_says_how_to_claim_it():
    taken = UnverifiedVehicleFactory(verified_at=None)
    Vehicle.objects.filter(pk=taken.pk).update(verified_at=taken.created_at, verified_via="counter")
    response = signed_in(UserFactory()).post(
        reverse("web:vehicle-add"), {"vin": taken.vin, "model": taken.model.pk, "odometer_km": 0}
    )
    assert response.status_code == 400
    assert "show its registration certificate" in response.content.decode()


def test_a_holder_who_lost_a_car_is_told_why_on_their_vehicles_page():
    user = UserFactory()
    car = UnverifiedVehicleFactory(owner=user)
    Vehicle.objects.filter(pk=car.pk).update(released_at=car.created_at)
    page = signed_in(user).get(reverse("web:vehicles")).content.decode()
    assert f"{car.vin} is no longer among your vehicles" in page


def test_staff_verify_an_owner_at_the_counter_and_see_them_masked():
    outlet = OutletFactory(code="SH-VERIFY-01")
    advisor = OutletMembershipFactory(outlet=outlet).user
    car = UnverifiedVehicleFactory(model=vehicle_model("luxeed-s7"))
    visit = BookingFactory(
        vehicle=car,
        outlet=outlet,
        status=Booking.Status.CHECKED_IN,
        channel="walk_in",
        start=timezone.now(),
        checked_in_at=timezone.now(),
    )
    person = UserFactory(last_name="王", phone="+8613800008000")
    client = signed_in(advisor)
    board = client.get(reverse("web:board", args=[outlet.code])).content.decode()
    assert "Verify the owner" in board
    response = client.post(
        reverse("web:counter-verify", args=[outlet.code]),
        {"booking": visit.reference, "phone": "13800008000"},
        follow=True,
    )
    page = response.content.decode()
    assert "王*" in page
    assert "138****8000" in page
    assert OwnershipVerification.objects.get().staff == advisor
    assert Vehicle.objects.get(vin=car.vin, released_at__isnull=True).owner == person


def test_staff_of_another_outlet_get_404_at_this_counter():
    outlet = OutletFactory(code="SH-VERIFY-02")
    stranger = OutletMembershipFactory().user
    response = signed_in(stranger).get(reverse("web:counter-verify", args=[outlet.code]))
    assert response.status_code == 404


def test_a_brand_admin_uploads_delivery_records_all_or_nothing():
    admin = BrandMembershipFactory(brand=brand("AITO")).user
    client = signed_in(admin)
    url = reverse("web:delivery-records")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("d.csv", f"{valid_vin(1)},13900000001\nNOPE,1\n".encode())
    response = client.post(url, {"brand": "AITO", "file": bad})
    assert response.status_code == 400
    assert "Line 2:" in response.content.decode()
    assert not DeliveryRecord.objects.exists()
    good = SimpleUploadedFile("d.csv", f"{valid_vin(1)},13900000001\n".encode())
    done = client.post(url, {"brand": "AITO", "file": good}, follow=True)
    assert "1 records added" in done.content.decode()
    assert DeliveryRecord.objects.get().brand.code == "AITO"


def test_the_delivery_records_page_is_404_for_an_owner():
    assert signed_in(UserFactory()).get(reverse("web:delivery-records")).status_code == 404
