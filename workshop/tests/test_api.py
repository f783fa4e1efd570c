"""GET, POST /api/v1/bookings/{reference}/inspection/ and the photos it links to."""

import pytest

from bookings.models import Booking
from conftest import client_for

from .images import jpeg_bytes, upload

URL = "/api/v1/bookings/HS-7K2P9Q/inspection/"


def form(**overrides) -> dict:
    return {"odometer_km": 20150, "state_of_charge": 64, **overrides}


def inspect(visit, **overrides):
    return client_for(visit.advisor).post(URL, form(**overrides), format="multipart")


def test_staff_record_it_with_photos_and_the_owner_reads_it(visit):
    created = inspect(
        visit,
        front_note="Stone chip",
        front_photo=upload(jpeg_bytes(gps=True)),
        damage_location="Rear bumper",
        damage_photo=upload(jpeg_bytes()),
    )
    assert created.status_code == 201, created.json()

    read = client_for(visit.owner).get(URL)
    assert read.status_code == 200
    body = read.json()
    assert body == created.json()
    assert (body["reference"], body["odometer_km"], body["state_of_charge"]) == (
        "HS-7K2P9Q",
        20150,
        64,
    )
    [front] = body["views"]
    assert front["angle"] == "front"
    assert front["note"] == "Stone chip"
    assert front["photo"]["url"] == f"/api/v1/photos/{front['photo']['key']}/"
    assert front["photo"]["thumbnail_url"].endswith("/thumbnail/")
    assert body["damage_marks"][0]["location"] == "Rear bumper"

    updated = inspect(visit, state_of_charge=70)
    assert updated.status_code == 200
    assert updated.json()["state_of_charge"] == 70


def test_views_come_in_walk_around_order(visit):
    response = inspect(visit, dashboard_note="ok", front_note="ok", interior_note="ok")
    assert [view["angle"] for view in response.json()["views"]] == [
        "front",
        "interior",
        "dashboard",
    ]


def test_before_any_inspection_the_owner_is_told_so(visit):
    response = client_for(visit.owner).get(URL)
    assert response.status_code == 404
    assert response.json()["detail"] == "No inspection has been recorded for this booking yet."


def test_a_refused_upload_answers_400_under_its_field(visit):
    response = inspect(visit, rear_photo=upload(b"hello", "rear.jpg", "image/jpeg"))
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "rear_photo": ["This file is not a photo we can read: send a JPEG, PNG or WebP image."]
    }


def test_a_too_large_upload_answers_400(visit, settings):
    settings.PHOTO_MAX_BYTES = 2048
    response = inspect(visit, front_photo=upload(b"\xff\xd8" + b"\x00" * 4096))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["front_photo"]


def test_the_owner_may_not_record_it(visit):
    response = client_for(visit.owner).post(URL, form(), format="multipart")
    assert response.status_code == 403


def test_before_check_in_it_is_a_conflict(visit):
    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.CONFIRMED)
    response = inspect(visit)
    assert response.status_code == 409
    assert response.json()["code"] == "inspection_closed"


@pytest.mark.parametrize("who", ["stranger", "staff_elsewhere", "brand_admin"])
def test_anyone_else_gets_404_for_the_inspection(visit, who):
    inspect(visit)
    for method in ("get", "post"):
        response = getattr(client_for(getattr(visit, who)), method)(URL, form(), format="multipart")
        assert response.status_code == 404, (method, response.status_code)


def test_anonymous_gets_401(visit):
    assert client_for(None).get(URL).status_code == 401


def photo_urls(visit) -> tuple[str, str]:
    photo = inspect(visit, front_photo=upload(jpeg_bytes((800, 600)))).json()["views"][0]["photo"]
    return photo["url"], photo["thumbnail_url"]


@pytest.mark.parametrize("who", ["owner", "advisor"])
def test_photos_are_served_to_the_owner_and_the_outlets_staff(visit, who):
    url, thumbnail_url = photo_urls(visit)
    client = client_for(getattr(visit, who))
    response = client.get(url, HTTP_ACCEPT="image/avif,image/webp,*/*")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    full = b"".join(response.streaming_content)
    thumbnail = b"".join(client.get(thumbnail_url).streaming_content)
    assert full[:2] == thumbnail[:2] == b"\xff\xd8"
    assert len(thumbnail) < len(full)


@pytest.mark.parametrize("who", ["stranger", "staff_elsewhere", "brand_admin"])
def test_photos_are_404_to_anyone_else(visit, who):
    url, thumbnail_url = photo_urls(visit)
    client = client_for(getattr(visit, who))
    for address in (url, thumbnail_url):
        response = client.get(address, HTTP_ACCEPT="image/jpeg")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_photos_are_not_under_a_public_media_url(visit):
    url, _thumbnail = photo_urls(visit)
    assert client_for(None).get(url).status_code == 401
    assert client_for(None).get("/media/workshop/photos/x.jpg").status_code == 404
