import datetime as dt
import itertools

import pytest
from django.utils import timezone

from bookings.lifecycle.status import booking_mark_no_show, booking_transition
from bookings.lifecycle.table import ALLOWED, STAMPS
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import InvalidTransition, RuleViolation

pytestmark = pytest.mark.django_db

Status = Booking.Status
PAIRS = list(itertools.product(Status.values, Status.values))


def test_the_pipeline_is_the_one_of_the_design():
    assert {k: set(v) for k, v in ALLOWED.items() if v} == {
        "confirmed": {"checked_in", "cancelled", "no_show"},
        "checked_in": {"in_service"},
        "in_service": {"ready"},
        "ready": {"completed"},
    }


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(current, target, world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], status=current)
    if target in ALLOWED[current]:
        moved = booking_transition(booking=booking, to=target, actor=world.advisor)
        assert moved.status == target
        event = BookingEvent.objects.get(booking=booking)
        assert (event.from_status, event.to_status, event.actor) == (current, target, world.advisor)
    else:
        with pytest.raises(InvalidTransition):
            booking_transition(booking=booking, to=target, actor=world.advisor)
        booking.refresh_from_db()
        assert booking.status == current
        assert not BookingEvent.objects.filter(booking=booking).exists()


@pytest.mark.parametrize(
    ("current", "target", "stamp"),
    [
        ("confirmed", "checked_in", "checked_in_at"),
        ("checked_in", "in_service", "started_at"),
        ("in_service", "ready", "ready_at"),
        ("ready", "completed", "completed_at"),
        ("confirmed", "cancelled", None),
        ("confirmed", "no_show", None),
    ],
)
def test_entering_a_status_stamps_its_time(current, target, stamp, world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], status=current)
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    booking_transition(booking=booking, to=target, actor=None, now=at)
    booking.refresh_from_db()
    stamps = {name: getattr(booking, name) for name in STAMPS.values()}
    assert stamps == {name: (at if name == stamp else None) for name in STAMPS.values()}


ACTIONS = {
    "check-in": "checked_in",
    "start": "in_service",
    "ready": "ready",
    "complete": "completed",
    "no-show": "no_show",
    "cancel": "cancelled",
}


REFUSED_ACTIONS = [
    (action, current)
    for action, current in itertools.product(ACTIONS, Status.values)
    if ACTIONS[action] not in ALLOWED[current]
]


@pytest.mark.parametrize(("action", "current"), REFUSED_ACTIONS)
def test_api_refuses_an_action_the_status_does_not_allow(world, action, current):
    booking = BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        status=current,
        start=timezone.now().replace(microsecond=0) - dt.timedelta(hours=1),
    )
    payload = {"checklist": {}} if action == "ready" else {}
    response = world.api("admin").post(f"/api/v1/bookings/{booking.reference}/{action}/", payload)
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "invalid_transition"
    booking.refresh_from_db()
    assert booking.status == current


def test_no_show_only_30_minutes_after_the_start(world):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], start=start)
    with pytest.raises(RuleViolation):
        booking_mark_no_show(
            booking=booking, actor=world.advisor, now=start + dt.timedelta(minutes=29)
        )
    marked = booking_mark_no_show(
        booking=booking, actor=world.advisor, now=start + dt.timedelta(minutes=30)
    )
    assert marked.status == "no_show"


def test_events_are_append_only_history_in_order(world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0])
    for target in ("checked_in", "in_service", "ready", "completed"):
        booking = booking_transition(booking=booking, to=target, actor=world.technician)
    assert list(booking.events.values_list("to_status", flat=True)) == [
        "checked_in",
        "in_service",
        "ready",
        "completed",
    ]
