"""The check-in inspection on the pages: staff inspect from the board on a phone, a refused
photo is named next to its input with the rest kept, and the owner sees the photos on the
booking page, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import VehicleFactory
from workshop.models import Inspection
from workshop.tests.images import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/staff/SH-INSPECT-01/HS-7K2P9Q/inspection/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def car(db):
    """A car checked in twenty minutes ago at an outlet open all day, at noon."""
    noon = dt.datetime.combine(
        timezone.localdate(), dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(noon, tick=True):
        outlet = OutletFactory(
            code="SH-INSPECT-01",
            services=list(ServiceType.objects.filter(code="mnt-annual")),
            hours=[(dt.time(0), dt.time(23, 59))],
        )
        bay = BayFactory(outlet=outlet, name="B1")
        owner = UserFactory(username="owner")
        start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=20)
        booking = BookingFactory(
            reference="HS-7K2P9Q",
            vehicle=VehicleFactory(owner=owner, odometer_km=20000, plate="沪A12345"),
            outlet=outlet,
            bay=bay,
            start=start,
            end=start + dt.timedelta(minutes=60),
            status=Booking.Status.CHECKED_IN,
            checked_in_at=timezone.now(),
            services=list(ServiceType.objects.filter(code="mnt-annual")),
        )
        advisor = OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.ADVISOR).user
        elsewhere = OutletMembershipFactory(outlet=OutletFactory(code="SH-INSPECT-02")).user
        yield {"booking": booking, "owner": owner, "advisor": advisor, "elsewhere": elsewhere}


def signed_in(user, language: str = "en") -> Client:
    """A session of `user`, whose saved language the pages speak."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def filled(**overrides) -> dict:
    return {
        "odometer_km": "20150",
        "state_of_charge": "64",
        **{f"{angle}_note": "" for angle in ("rear", "left", "right", "interior", "dashboard")},
        "front_note": "Stone chip",
        **overrides,
    }


def test_a_checked_in_card_on_the_board_links_to_its_inspection(car):
    page = signed_in(car["advisor"]).get("/staff/SH-INSPECT-01/").content.decode()
    assert f'href="{URL}"' in page


def test_the_page_offers_the_camera_for_each_view_and_the_damage(car):
    response = signed_in(car["advisor"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert html.count('capture="environment"') == 7  # six views and the damage mark
    assert html.count('accept="image/*"') == 7
    assert 'value="20000"' in html  # the car's last reading, to confirm or correct
    for label in ("Front", "Rear", "Left side", "Right side", "Interior", "Dashboard"):
        assert f"<legend>{label}</legend>" in html


def test_staff_save_it_with_photos_and_add_a_damage_mark(car):
    client = signed_in(car["advisor"])
    response = client.post(
        URL,
        filled(
            front_photo=upload(jpeg_bytes(gps=True)),
            damage_location="Rear bumper",
            damage_photo=upload(jpeg_bytes()),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    inspection = Inspection.objects.get(booking=car["booking"])
    assert (inspection.odometer_km, inspection.state_of_charge) == (20150, 64)
    html = client.get(URL).content.decode()
    assert "The inspection of HS-7K2P9Q is saved." in html
    front = inspection.views.get(angle="front")
    assert f'src="/api/v1/photos/{front.photo.key}/thumbnail/"' in html
    assert "Rear bumper" in html


def test_a_refused_photo_is_named_next_to_it_and_the_rest_stays_typed(car):
    response = signed_in(car["advisor"]).post(
        URL,
        filled(
            odometer_km="20222",
            left_note="Kerbed wheel",
            left_photo=upload(b"this is a text file", "left.jpg"),
            front_photo=upload(jpeg_bytes()),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html.split('id="field-left_photo"')[1].split("</div>")[0]
    assert "not a photo we can read" in field
    assert 'value="20222"' in html
    assert "Kerbed wheel" in html
    assert "choose the photos again" in html
    assert not Inspection.objects.exists()


def test_a_photo_over_the_limit_is_refused_next_to_its_field(car, settings):
    settings.PHOTO_MAX_BYTES = 1024
    response = signed_in(car["advisor"]).post(
        URL, filled(rear_photo=upload(jpeg_bytes((600, 400))))
    )
    assert response.status_code == 400
    field = response.content.decode().split('id="field-rear_photo"')[1].split("</div>")[0]
    assert "This file is too large" in field


def test_in_chinese_the_refusal_is_chinese(car):
    response = signed_in(car["advisor"], "zh-hans").post(
        URL, filled(left_photo=upload(b"plain text", "left.jpg"))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "无法识别此文件为照片" in html
    assert "环车检查" in html
    assert "左侧" in html


@pytest.mark.parametrize("who", ["owner", "elsewhere"])
def test_the_page_is_404_to_anyone_but_the_outlets_staff(car, who):
    assert signed_in(car[who]).get(URL).status_code == 404


def test_once_the_car_is_ready_the_page_shows_it_without_a_form(car):
    signed_in(car["advisor"]).post(URL, filled())
    Booking.objects.filter(pk=car["booking"].pk).update(status=Booking.Status.READY)
    response = signed_in(car["advisor"]).post(URL, filled(odometer_km="30000"))
    html = response.content.decode()
    assert '<form method="post" enctype' not in html
    assert "recorded while the car is checked in or in service" in html
    assert Inspection.objects.get().odometer_km == 20150


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Check-in inspection"), ("zh-hans", "接车检查")]
)
def test_the_owner_sees_the_inspection_and_its_photos_on_the_booking_page(car, language, title):
    signed_in(car["advisor"]).post(URL, filled(front_photo=upload(jpeg_bytes())))
    photo = Inspection.objects.get().views.get(angle="front").photo
    owner = signed_in(car["owner"], language)
    html = owner.get("/bookings/HS-7K2P9Q/").content.decode()
    assert title in html
    assert f'<a href="/api/v1/photos/{photo.key}/"' in html
    assert f'src="/api/v1/photos/{photo.key}/thumbnail/"' in html
    assert "Stone chip" in html
    assert owner.get(f"/api/v1/photos/{photo.key}/")["Content-Type"] == "image/jpeg"


def test_before_an_inspection_the_booking_page_has_no_inspection_section(car):
    html = signed_in(car["owner"]).get("/bookings/HS-7K2P9Q/").content.decode()
    assert "Check-in inspection" not in html
