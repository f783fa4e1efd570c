"""The demo shows a visit waiting for approval: owner.wang's car checked in today at the Pudong
flagship, inspected with photos, two lines of extra work sent to him and not answered; his
booking page says so and lets him answer, the outlet's board shows the lines awaiting him, and
seeding again changes nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from bookings.models import Booking, Notification
from demo.seed import seed_demo
from estimates.models import EstimateLine, EstimateSending
from workshop.models import Inspection, Photo

pytestmark = pytest.mark.django_db

State = EstimateLine.State


@pytest.fixture
def visit(demo_network) -> Booking:
    return Booking.objects.get(
        owner__username="owner.wang",
        outlet__code="SH-PUDONG-01",
        status=Booking.Status.CHECKED_IN,
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_car_checked_in_today_is_inspected_with_photos(visit):
    outlet, now = visit.outlet, timezone.now()
    today = outlet.local_day(now)
    # Today whatever the hour: before opening the car was left early for the first slot.
    assert outlet.local_day(visit.start) == today
    assert visit.checked_in_at is not None
    assert visit.bay is not None
    assert visit.booking_services.get().service_type.code == "mnt-annual"
    inspection = Inspection.objects.get(booking=visit)
    assert 0 <= inspection.state_of_charge <= 100
    assert inspection.odometer_km == visit.vehicle.odometer_km
    with_photos = inspection.views.exclude(photo=None)
    assert sorted(with_photos.values_list("angle", flat=True)) == ["front", "left", "rear"]
    assert inspection.damage_marks.exclude(photo=None).count() == 1
    for photo in Photo.objects.filter(booking=visit):
        storage = photo.image.storage
        assert storage.exists(photo.image.name)
        assert storage.exists(photo.thumbnail.name)
        assert photo.width <= 240
        assert photo.height <= 160


def test_the_visit_has_the_history_of_a_car_booked_and_checked_in(visit):
    """Booked online by its owner the day before, checked in by the outlet's desk when the car
    came: what the booking page's History and the staff's trail show."""
    events = list(visit.events.order_by("created_at", "pk"))
    assert [(e.kind, e.from_status, e.to_status) for e in events[:2]] == [
        ("created", "", "confirmed"),
        ("status", "confirmed", "checked_in"),
    ]
    created, checked_in = events[:2]
    assert created.actor_id == visit.owner_id
    assert created.created_at == visit.start - dt.timedelta(days=1)
    assert checked_in.actor.username == "advisor.sh-pudong"
    assert checked_in.created_at == visit.checked_in_at


def test_every_car_on_todays_boards_has_its_path_recorded(demo_network):
    """Each demo booking on a board today shows how it got to its status, none "nothing
    recorded yet"."""
    on_boards = Booking.objects.filter(
        status__in=[Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE]
    )
    assert on_boards.exists()
    for booking in on_boards:
        path = [e.to_status for e in booking.events.filter(kind="status").order_by("created_at")]
        expected = {
            Booking.Status.CHECKED_IN: ["checked_in"],
            Booking.Status.IN_SERVICE: ["checked_in", "in_service"],
        }[booking.status]
        assert path == expected, booking.reference
        assert booking.events.filter(kind="created").count() == 1


def test_two_lines_are_sent_and_wait_for_the_owner(visit):
    lines = list(EstimateLine.objects.filter(booking=visit).order_by("pk"))
    assert [(line.grade, line.kind) for line in lines] == [
        ("urgent", "repair"),
        ("advisory", "service"),
    ]
    assert {line.state for line in lines} == {State.PROPOSED}
    assert all(line.sending_id for line in lines)
    assert lines[0].photos.count() == 1
    assert lines[0].parts.count() == 1
    assert all(line.price > 0 and line.currency == "CNY" for line in lines)
    sending = EstimateSending.objects.get(booking=visit)
    assert sending.expires_at > timezone.now()
    assert Notification.objects.filter(booking=visit, kind=Notification.Kind.ESTIMATE).exists()


def test_the_owner_sees_it_waiting_and_answers_from_the_booking_page(visit):
    owner = _client("owner.wang")
    page = owner.get(f"/bookings/{visit.reference}/")
    text = page.content.decode()
    assert "2 items of extra work wait for your answer." in text
    assert 'aria-current="step"' in text
    assert "Waiting for your approval" in text
    link = page.context["approve_url"]
    answer = owner.get(link)
    assert answer.status_code == 200
    assert answer.content.decode().count("Approve (") == 2
    urgent = EstimateLine.objects.get(booking=visit, grade="urgent")
    assert owner.post(f"{link}{urgent.pk}/approve/").status_code == 302
    urgent.refresh_from_db()
    assert urgent.state == State.APPROVED


def test_the_board_shows_the_lines_awaiting_the_owner(visit):
    advisor = User.objects.get(username="advisor.sh-pudong")
    board = _client(advisor.username).get("/staff/SH-PUDONG-01/")
    assert board.status_code == 200
    text = board.content.decode()
    assert f'id="card-{visit.reference}"' in text
    with translation.override(advisor.language):
        waiting = translation.ngettext("%(n)s awaiting the owner", "", 2) % {"n": 2}
    assert waiting in text


def test_seeding_again_changes_nothing_and_tells_the_story(visit):
    counts = [m.objects.count() for m in (Booking, Inspection, Photo, EstimateLine, Notification)]
    seed_demo()
    assert [
        m.objects.count() for m in (Booking, Inspection, Photo, EstimateLine, Notification)
    ] == counts
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    story = [row for row in out.getvalue().splitlines() if "visit story" in row]
    assert any("owner.wang" in row and visit.reference in row for row in story)
    assert any("advisor.sh-pudong" in row for row in story)
