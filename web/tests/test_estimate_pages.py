"""The pages of extra work: the advisor proposes a line with a photo and sends it from the
board, the owner answers on the signed link's page, the timeline polls, the settlement prints."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from estimates.models import EstimateLine, EstimateSending
from estimates.services import estimate_decide, estimate_send
from estimates.tests.conftest import media_root, visit  # noqa: F401 - the shared fixtures
from web.estimates.poll import timeline_token
from workshop.models import Photo
from workshop.tests.images import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    if user.language != language:  # a signed-in user's saved language decides
        user.language = language
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _staff_url(visit) -> str:  # noqa: F811
    return f"/staff/{visit.booking.outlet.code}/{visit.booking.reference}/estimate/"


def _token(visit) -> str:  # noqa: F811
    _sending, token = estimate_send(booking=visit.booking, actor=visit.advisor)
    return token


def test_the_advisor_adds_an_urgent_line_with_a_photo_and_sends_it(visit):  # noqa: F811
    staff = _client(visit.advisor)
    page = staff.get(_staff_url(visit))
    assert page.status_code == 200
    assert b'capture="environment"' in page.content
    answer = staff.post(
        _staff_url(visit),
        {
            "grade": "urgent",
            "description": "Cracked brake disc",
            "labour_minutes": "45",
            "part_1_name": "Brake disc",
            "part_1_quantity": "1",
            "part_1_unit_price": "600",
            "photo": upload(jpeg_bytes()),
        },
    )
    assert answer.status_code == 302
    line = EstimateLine.objects.get(booking=visit.booking)
    assert line.photos.count() == 1
    assert line.grade == "urgent"
    assert staff.post(_staff_url(visit) + "send/").status_code == 302
    assert EstimateSending.objects.filter(booking=visit.booking).exists()
    board = staff.get(f"/staff/{visit.booking.outlet.code}/")
    assert b"1 awaiting the owner" in board.content


def test_a_file_that_is_not_an_image_is_refused_next_to_the_field(visit):  # noqa: F811
    answer = _client(visit.advisor).post(
        _staff_url(visit),
        {
            "grade": "urgent",
            "description": "Dent",
            "labour_minutes": "30",
            "photo": upload(b"not an image", name="x.jpg"),
        },
    )
    assert answer.status_code == 400
    assert b'class="field-error"' in answer.content
    assert not EstimateLine.objects.exists()


def test_a_refused_line_leaves_no_photo_behind(visit, media_root):  # noqa: F811
    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.READY)
    answer = _client(visit.advisor).post(
        _staff_url(visit),
        {
            "grade": "info",
            "description": "Scratch",
            "labour_minutes": "10",
            "photo": upload(jpeg_bytes()),
        },
    )
    assert answer.status_code == 409
    assert not Photo.objects.exists()
    assert not list(media_root.rglob("*.jpg"))


def test_a_quantity_beyond_its_digits_is_refused_next_to_the_field(visit):  # noqa: F811
    answer = _client(visit.advisor).post(
        _staff_url(visit),
        {
            "grade": "info",
            "description": "Wiper",
            "part_1_name": "Blade",
            "part_1_quantity": "100000000",
            "part_1_unit_price": "1",
        },
    )
    assert answer.status_code == 400
    assert 'id="id_part_1_quantity_error"' in answer.content.decode()
    assert not EstimateLine.objects.exists()


def test_a_mistyped_decision_address_decides_nothing(visit):  # noqa: F811
    line = visit.repair()
    token = _token(visit)
    answer = _client(visit.owner).post(f"/estimate/{token}/{line.pk}/approved/")
    assert answer.status_code == 404
    line.refresh_from_db()
    assert line.state == "proposed"


def test_the_owner_approves_on_the_link_page_in_chinese(visit):  # noqa: F811
    line = visit.repair()
    token = _token(visit)
    owner = _client(visit.owner, "zh-hans")
    page = owner.get(f"/estimate/{token}/")
    assert page.status_code == 200
    assert "同意".encode() in page.content
    line.refresh_from_db()
    assert line.state == "viewed"
    answer = owner.post(f"/estimate/{token}/{line.pk}/approve/", follow=True)
    assert answer.status_code == 200
    line.refresh_from_db()
    assert line.state == "approved"
    assert b"estimate-decide" not in answer.content  # no buttons on a decided line


def test_the_link_page_refuses_another_owner_a_tampered_link_and_an_old_one(visit):  # noqa: F811
    visit.repair()
    token = _token(visit)
    assert _client(visit.stranger).get(f"/estimate/{token}/").status_code == 404
    assert _client(visit.owner).get(f"/estimate/{token[:-1]}Z/").status_code == 404
    anonymous = Client().get(f"/estimate/{token}/")
    assert anonymous.status_code == 302
    assert "next=" in anonymous["Location"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        assert _client(visit.owner).get(f"/estimate/{token}/").status_code == 410


def test_the_booking_page_shows_the_timeline_and_it_polls(visit):  # noqa: F811
    visit.repair()
    _token(visit)
    owner = _client(visit.owner)
    page = owner.get(f"/bookings/{visit.booking.reference}/")
    assert page.status_code == 200
    assert b'aria-current="step"' in page.content
    assert b"Waiting for your approval" in page.content
    poll = Client().get("/timeline-poll/", {"t": timeline_token(booking=visit.booking)})
    assert poll.status_code == 200
    same = Client().get(
        "/timeline-poll/",
        {"t": timeline_token(booking=visit.booking)},
        HTTP_IF_NONE_MATCH=poll["ETag"],
    )
    assert same.status_code == 304
    line = EstimateLine.objects.get()
    estimate_decide(line=line, actor=visit.owner, approve=True)
    changed = Client().get(
        "/timeline-poll/",
        {"t": timeline_token(booking=visit.booking)},
        HTTP_IF_NONE_MATCH=poll["ETag"],
    )
    assert changed.status_code == 200
    assert changed["ETag"] != poll["ETag"]
    assert Client().get("/timeline-poll/", {"t": "forged"}).status_code == 403
    fragment = owner.get(f"/bookings/{visit.booking.reference}/timeline/")
    assert b"visit-panel" in fragment.content
    assert (
        _client(visit.stranger).get(f"/bookings/{visit.booking.reference}/timeline/").status_code
        == 404
    )


def test_the_settlement_page_prints_in_the_owners_language(visit):  # noqa: F811
    Booking.objects.filter(pk=visit.booking.pk).update(
        status=Booking.Status.COMPLETED, completed_at=timezone.now()
    )
    page = _client(visit.owner, "zh-hans").get(f"/bookings/{visit.booking.reference}/settlement/")
    assert page.status_code == 200
    assert "结算清单".encode() in page.content
    assert b"@media print" not in page.content
    assert b"estimates.css" in page.content
    booking_page = _client(visit.owner).get(f"/bookings/{visit.booking.reference}/")
    assert f"/bookings/{visit.booking.reference}/settlement/".encode() in booking_page.content
    assert (
        _client(visit.stranger).get(f"/bookings/{visit.booking.reference}/settlement/").status_code
        == 404
    )


def test_the_booking_page_links_the_open_estimate_and_offers_declined_work_again(visit):  # noqa: F811
    line = visit.repair(description="Wiper blades", labour_minutes=10, parts=[])
    token = _token(visit)
    page = _client(visit.owner).get(f"/bookings/{visit.booking.reference}/")
    assert b"See and answer" in page.content
    assert _client(visit.owner).get(f"/estimate/{token}/").status_code == 200
    estimate_decide(line=line, actor=visit.owner, approve=False)
    later = BookingFactory(
        vehicle=visit.booking.vehicle, outlet=visit.booking.outlet, start=next_local(10, days=7)
    )
    page = _client(visit.owner).get(f"/bookings/{later.reference}/")
    assert b"Declined at an earlier visit" in page.content
    assert b"Wiper blades" in page.content


@pytest.mark.parametrize(
    ("language", "sentence", "link"),
    [
        ("en", "1 item of extra work waits for your answer.", "See and answer"),
        ("zh-hans", "1 项追加项目等待您答复。", "查看并答复"),
    ],
)
def test_my_bookings_says_which_visit_waits_for_the_owners_answer(
    visit,  # noqa: F811
    language,
    sentence,
    link,
):
    visit.repair()
    visit.send()
    later = BookingFactory(owner=visit.owner, start=next_local(10, days=3))

    page = _client(visit.owner, language).get("/bookings/").content.decode()

    rows = page.split('<article class="booking-row">')[1:]
    [waiting] = [row for row in rows if visit.booking.reference in row]
    [other] = [row for row in rows if later.reference in row]
    assert sentence in waiting
    assert f'href="/bookings/{visit.booking.reference}/">{link}</a>' in waiting
    assert sentence not in other


def test_my_bookings_says_nothing_once_the_owner_answered(visit):  # noqa: F811
    line = visit.repair()
    visit.send()
    estimate_decide(line=line, actor=visit.owner, approve=False)

    page = _client(visit.owner).get("/bookings/").content.decode()

    assert "waits for your answer" not in page


def test_the_board_asks_why_approved_work_waits_before_the_car_is_ready(visit):  # noqa: F811
    line = visit.repair()
    visit.send()
    estimate_decide(line=line, actor=visit.owner, approve=True)
    Booking.objects.filter(pk=visit.booking.pk).update(
        status=Booking.Status.IN_SERVICE, started_at=timezone.now()
    )
    service = visit.booking.booking_services.get().service_type
    staff = _client(visit.advisor)
    url = f"/staff/{visit.booking.outlet.code}/{visit.booking.reference}/ready/"
    ticked = {f"check-{service.code}": list(service.checklist)}

    refused = staff.post(url, ticked)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'name="defer_reason"' in html
    assert "Why the approved work waits for a later visit." in html
    assert visit.refresh().status == Booking.Status.IN_SERVICE
    assert staff.post(url, {**ticked, "defer_reason": "Pads on order"}).status_code == 302
    assert visit.refresh().status == Booking.Status.READY
