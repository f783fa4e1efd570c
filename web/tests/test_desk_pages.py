"""The service desk on the staff pages, through Django's test client: a walk-in past the desk's
day limit asks for the reason next to its field (what was typed kept, in the reader's
language) and goes through with one, recorded as an event; managers set the desk's limits
and whether their outlet plans crews, refused input coming back next to its field."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.tests.factories import UserFactory
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from outlets.models import Outlet, OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import valid_vin

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)
CODE = "SH-DESK-01"
Role = OutletMembership.Role
FULL = "The service desk at {outlet} checks in at most 1 cars a day, and that day is full."


@pytest.fixture
def desk(db):
    """An outlet open all day whose desk checks in one car a day, already booked for 14:00,
    with its advisor and manager; the clock at 10:00."""
    with time_machine.travel(NOW, tick=False):
        services = list(ServiceType.objects.filter(code="mnt-annual"))
        outlet = OutletFactory(
            code=CODE, services=services, hours=[(dt.time(0), dt.time(23, 59))], desk_per_day=1
        )
        bay = BayFactory(outlet=outlet, name="B1")
        BookingFactory(
            outlet=outlet,
            bay=bay,
            start=NOW + dt.timedelta(hours=4),
            end=NOW + dt.timedelta(hours=5),
            services=services,
        )
        advisor, manager = UserFactory(username="desk-adv"), UserFactory(username="desk-mgr")
        OutletMembership.objects.create(user=advisor, outlet=outlet, role=Role.ADVISOR)
        OutletMembership.objects.create(user=manager, outlet=outlet, role=Role.MANAGER)
        yield {"outlet": outlet, "advisor": advisor, "manager": manager}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _walk_in(vin: str, **more: str) -> dict:
    return {"vin": vin, "service": ["mnt-annual"], "model": "aito-m7", "plate": "沪C12345", **more}


def test_the_walk_in_form_asks_for_the_reason_where_the_desk_has_a_day_limit(desk):
    client = _client(desk["advisor"])
    assert 'name="desk_override_reason"' in client.get(f"/staff/{CODE}/").content.decode()
    Outlet.objects.filter(pk=desk["outlet"].pk).update(desk_per_day=None)
    assert 'name="desk_override_reason"' not in client.get(f"/staff/{CODE}/").content.decode()


def test_a_walk_in_past_the_limit_without_a_reason_is_refused_as_typed(desk):
    vin = valid_vin(9301)
    response = _client(desk["advisor"]).post(f"/staff/{CODE}/walk-ins/", _walk_in(vin))
    assert response.status_code == 400
    html = response.content.decode()
    assert FULL.format(outlet=desk["outlet"].display_name) in html
    assert (
        '<small class="field-error" id="id_desk_override_reason_error">'
        "Give the reason to pass the desk&#x27;s limit.</small>"
    ) in html
    assert f'value="{vin}"' in html  # what was typed is kept
    assert 'value="沪C12345"' in html
    assert not Booking.objects.filter(vehicle__vin=vin).exists()


def test_the_refusal_in_chinese(desk):
    desk["advisor"].language = "zh-hans"
    desk["advisor"].save(update_fields=["language"])
    response = _client(desk["advisor"]).post(f"/staff/{CODE}/walk-ins/", _walk_in(valid_vin(9302)))
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("zh-hans"):
        field = translation.gettext("Give the reason to pass the desk's limit.")
        label = translation.gettext(
            "Reason to pass the service desk's limit (only when it is full)"
        )
    assert field != "Give the reason to pass the desk's limit."
    assert f'id="id_desk_override_reason_error">{field}</small>' in html
    assert label in html


def test_a_walk_in_past_the_limit_with_a_reason_goes_through_and_is_recorded(desk):
    vin = valid_vin(9303)
    reason = "Owner's car broke down on the way"
    response = _client(desk["advisor"]).post(
        f"/staff/{CODE}/walk-ins/", _walk_in(vin, desk_override_reason=reason)
    )
    assert response.status_code == 302
    booking = Booking.objects.get(vehicle__vin=vin)
    assert booking.channel == Booking.Channel.WALK_IN
    event = booking.events.get(kind=BookingEvent.Kind.DESK_OVERRIDE)
    assert (event.details["limit"], event.details["reason"]) == ("day", reason)
    assert event.actor == desk["advisor"]


CAPACITY = f"/staff/{CODE}/manage/capacity/"


def test_the_manager_sets_the_desk_limits_and_plans_crews(desk):
    # Crews are planned once no upcoming booking was planned by bays alone.
    Booking.objects.filter(outlet=desk["outlet"]).update(status=Booking.Status.CANCELLED)
    client = _client(desk["manager"])
    page = client.get(CAPACITY)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="desk_per_day" value="1"' in html
    assert f'href="{CAPACITY}" aria-current="page"' in html
    response = client.post(
        CAPACITY, {"plans_crews": "on", "desk_per_slot": "3", "desk_per_day": "40"}, follow=True
    )
    assert response.redirect_chain == [(CAPACITY, 302)]
    assert "The service desk and crew settings are saved." in response.content.decode()
    outlet = Outlet.objects.get(pk=desk["outlet"].pk)
    assert (outlet.plans_crews, outlet.desk_per_slot, outlet.desk_per_day) == (True, 3, 40)


def test_crews_are_not_planned_over_a_booking_that_holds_none(desk):
    booked = Booking.objects.get(outlet=desk["outlet"])
    response = _client(desk["manager"]).post(
        CAPACITY, {"plans_crews": "on", "desk_per_slot": "", "desk_per_day": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert booked.reference in html
    assert "Upcoming bookings hold no crew." in html
    assert Outlet.objects.get(pk=desk["outlet"].pk).plans_crews is False


def test_empty_limits_mean_no_limit(desk):
    response = _client(desk["manager"]).post(CAPACITY, {"desk_per_slot": "", "desk_per_day": ""})
    assert response.status_code == 302
    outlet = Outlet.objects.get(pk=desk["outlet"].pk)
    assert (outlet.plans_crews, outlet.desk_per_slot, outlet.desk_per_day) == (False, None, None)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_limit_below_one_is_refused_next_to_its_field_as_typed(desk, language):
    desk["manager"].language = language
    desk["manager"].save(update_fields=["language"])
    response = _client(desk["manager"]).post(
        CAPACITY, {"plans_crews": "on", "desk_per_slot": "0", "desk_per_day": "40"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override(language):
        message = translation.gettext("Give at least 1 car, or leave it empty for no limit.")
    assert f'id="id_desk_per_slot_error">{message}</small>' in html
    assert 'name="desk_per_slot" value="0"' in html
    assert 'name="desk_per_day" value="40"' in html
    outlet = Outlet.objects.get(pk=desk["outlet"].pk)
    assert (outlet.plans_crews, outlet.desk_per_slot, outlet.desk_per_day) == (False, None, 1)


def test_the_desk_settings_are_404_for_an_advisor(desk):
    client = _client(desk["advisor"])
    assert client.get(CAPACITY).status_code == 404
    assert client.post(CAPACITY, {"desk_per_day": "9"}).status_code == 404
    assert Outlet.objects.get(pk=desk["outlet"].pk).desk_per_day == 1
    assert CAPACITY not in client.get(f"/staff/{CODE}/").content.decode()
