"""Extra work over the API, end to end: staff add and send, the owner opens the link and
decides line by line, staff run the approved work, the settlement once completed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from bookings.models import Booking
from estimates import links
from estimates.models import EstimateLine, EstimateSending
from estimates.serializers import MAX_PARTS
from workshop.models import Photo
from workshop.tests.images import jpeg_bytes, upload

pytestmark = pytest.mark.django_db
REPAIR = {
    "grade": "urgent",
    "description": "Replace front brake pads",
    "labour_minutes": 60,
    "parts": [{"name": "Brake pad set", "quantity": "1", "unit_price": "420.00"}],
}


def _url(visit, tail: str = "") -> str:
    return f"/api/v1/bookings/{visit.booking.reference}/estimate/{tail}"


def _token(visit) -> str:
    sending = EstimateSending.objects.get(booking=visit.booking)
    return links.link_token(
        reference=visit.booking.reference, owner_id=visit.owner.pk, sending_id=sending.pk
    )


def test_the_whole_way_from_finding_to_settlement(visit):
    staff, owner = visit.api("advisor"), visit.api("owner")
    added = staff.post(_url(visit), REPAIR, format="json")
    assert added.status_code == 201, added.json()
    assert (added.json()["price"], added.json()["state"]) == ("700.00", "proposed")
    second = staff.post(
        _url(visit),
        {"grade": "info", "description": "Wiper blades", "labour_minutes": 10},
        format="json",
    )
    sent = staff.post(_url(visit, "send/"))
    assert sent.status_code == 201
    assert len(sent.json()["lines"]) == 2

    opened = owner.get(f"/api/v1/estimate-links/{_token(visit)}/")
    assert opened.status_code == 200
    assert {line["state"] for line in opened.json()["lines"]} == {"viewed"}

    first, other = added.json()["id"], second.json()["id"]
    approved = owner.post(_url(visit, f"{first}/approve/"))
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["hold"]) == ("approved", "extended")
    assert owner.post(_url(visit, f"{other}/decline/")).json()["state"] == "declined"
    replay = owner.post(_url(visit, f"{other}/approve/"))
    assert (replay.status_code, replay.json()["code"]) == (409, "already_decided")

    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.IN_SERVICE)
    refused = staff.post(_url(visit, f"{other}/start-work/"))
    assert (refused.status_code, refused.json()["code"]) == (409, "not_approved")
    assert staff.post(_url(visit, f"{first}/start-work/")).status_code == 200
    assert staff.post(_url(visit, f"{first}/complete-work/")).json()["work_completed_at"]

    early = owner.get(f"/api/v1/bookings/{visit.booking.reference}/settlement/")
    assert early.status_code == 409
    Booking.objects.filter(pk=visit.booking.pk).update(
        status=Booking.Status.COMPLETED, completed_at=timezone.now()
    )
    for who in ("owner", "advisor"):
        sheet = visit.api(who).get(f"/api/v1/bookings/{visit.booking.reference}/settlement/")
        assert sheet.status_code == 200
        assert sheet.json()["total"] == "1099.00"
        assert [item["kind"] for item in sheet.json()["items"]] == ["booked", "extra"]


def test_who_may_do_what(visit):
    staff = visit.api("advisor")
    assert visit.api("owner").post(_url(visit), REPAIR, format="json").status_code == 403
    assert visit.api("staff_elsewhere").post(_url(visit), REPAIR, format="json").status_code == 404
    assert visit.api("stranger").get(_url(visit)).status_code == 404
    assert visit.api("brand_admin").get(_url(visit)).status_code == 403
    line = staff.post(_url(visit), REPAIR, format="json").json()["id"]
    staff.post(_url(visit, "send/"))
    assert staff.post(_url(visit, f"{line}/approve/")).status_code == 403  # consent is the owner's
    assert visit.api("stranger").post(_url(visit, f"{line}/approve/")).status_code == 404
    assert visit.api("stranger").get(f"/api/v1/estimate-links/{_token(visit)}/").status_code == 404


def test_a_tampered_or_expired_link(visit):
    staff, owner = visit.api("advisor"), visit.api("owner")
    line = staff.post(_url(visit), REPAIR, format="json").json()["id"]
    staff.post(_url(visit, "send/"))
    token = _token(visit)
    assert owner.get(f"/api/v1/estimate-links/{token}x/").status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        gone = owner.get(f"/api/v1/estimate-links/{token}/")
        assert (gone.status_code, gone.json()["code"]) == (410, "link_expired")
        assert owner.post(_url(visit, f"{line}/approve/")).status_code == 410
        # Reading the estimate runs the overdue lines out.
        assert owner.get(_url(visit)).json()["lines"][0]["state"] == "expired"
    assert EstimateLine.objects.get(pk=line).state == "expired"


def test_a_line_needs_a_subject(visit):
    answer = visit.api("advisor").post(_url(visit), {"grade": "urgent"}, format="json")
    assert answer.status_code == 400
    assert "description" in answer.json()["fields"]
    unknown = visit.api("advisor").post(
        _url(visit), {"grade": "urgent", "service": "no-such"}, format="json"
    )
    assert unknown.status_code == 400
    assert "service" in unknown.json()["fields"]
    not_offered = visit.api("advisor").post(
        _url(visit), {"grade": "urgent", "service": "annual-check"}, format="json"
    )
    assert not_offered.status_code == 400
    assert "service" in not_offered.json()["fields"]


def test_parts_beyond_what_a_line_holds_are_refused_in_the_error_shape(visit):
    staff = visit.api("advisor")
    dear = {
        **REPAIR,
        "parts": [{"name": "Pack", "quantity": "99999.99", "unit_price": "9999999.99"}],
    }
    refused = staff.post(_url(visit), dear, format="json")
    assert refused.status_code == 400
    assert "parts" in refused.json()["fields"]
    many = {**REPAIR, "parts": [REPAIR["parts"][0]] * (MAX_PARTS + 1)}
    assert staff.post(_url(visit), many, format="json").status_code == 400
    assert not EstimateLine.objects.exists()


def test_a_new_photo_of_a_view_keeps_the_old_one_a_line_shows(visit):
    """The owner approves the work on what the line's photo shows: re-taking the walk-around's
    front view must not take it from the line."""
    staff = visit.api("advisor")
    inspection = f"/api/v1/bookings/{visit.booking.reference}/inspection/"
    reading = {"odometer_km": 30000, "state_of_charge": 50}
    first = staff.post(inspection, {**reading, "front_photo": upload(jpeg_bytes())}, "multipart")
    key = first.json()["views"][0]["photo"]["key"]
    added = staff.post(_url(visit), {**REPAIR, "photos": [key]}, format="json")
    assert added.status_code == 201, added.json()
    again = staff.post(inspection, {**reading, "front_photo": upload(jpeg_bytes())}, "multipart")
    assert again.json()["views"][0]["photo"]["key"] != key
    assert [str(p.key) for p in EstimateLine.objects.get().photos.all()] == [key]
    # A replaced photo that no line shows goes, as before.
    staff.post(inspection, {**reading, "front_photo": upload(jpeg_bytes())}, "multipart")
    assert Photo.objects.count() == 2  # the line's and the view's newest


def test_ready_is_refused_in_the_error_shape_until_the_approved_work_is_completed(visit):
    staff, owner = visit.api("advisor"), visit.api("owner")
    line = staff.post(_url(visit), REPAIR, format="json").json()["id"]
    staff.post(_url(visit, "send/"))
    owner.post(_url(visit, f"{line}/approve/"))
    ref = visit.booking.reference
    assert staff.post(f"/api/v1/bookings/{ref}/start/").status_code == 200
    service = visit.booking.booking_services.get().service_type
    checklist = {"checklist": {service.code: list(service.checklist)}}

    refused = staff.post(f"/api/v1/bookings/{ref}/ready/", checklist, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "extra_work_unfinished"
    assert set(refused.json()) <= {"code", "detail", "fields"}
    assert visit.refresh().status == Booking.Status.IN_SERVICE

    assert refused.json()["fields"] == {
        "defer_reason": ["Why the approved work waits for a later visit."]
    }

    staff.post(_url(visit, f"{line}/start-work/"))
    staff.post(_url(visit, f"{line}/complete-work/"))
    ready = staff.post(f"/api/v1/bookings/{ref}/ready/", checklist, format="json")
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")


def test_ready_leaves_approved_work_for_a_later_visit_with_a_reason(visit):
    staff, owner = visit.api("advisor"), visit.api("owner")
    line = staff.post(_url(visit), REPAIR, format="json").json()["id"]
    staff.post(_url(visit, "send/"))
    owner.post(_url(visit, f"{line}/approve/"))
    ref = visit.booking.reference
    staff.post(f"/api/v1/bookings/{ref}/start/")
    service = visit.booking.booking_services.get().service_type
    body = {"checklist": {service.code: list(service.checklist)}, "defer_reason": "No pads"}

    ready = staff.post(f"/api/v1/bookings/{ref}/ready/", body, format="json")

    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    [event] = [e for e in ready.json()["events"] if e["to_status"] == "ready"]
    assert event["details"]["reason"] == "No pads"
