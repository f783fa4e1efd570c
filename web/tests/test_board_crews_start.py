"""The board's Start at an outlet that plans crews, through Django's test client: it proposes
the crews that may start the car now (its own crew first, the guardian marked), another crew
of those starts it, a busy one is refused next to the crew field and in the status line (in
the reader's language), and a crew that may no longer do the work is flagged on the card."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.crew_world import crew_world, technician
from bookings.tests.factories import BookingFactory
from crews.models import Technician
from outlets.models import Capability, Outlet, OutletMembership

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning, on shift
BOTH = (Capability.GENERAL, Capability.EV_BATTERY)


@pytest.fixture
def shop(db):
    """The crews world (battery bays hv1, hv2 and a general bay; battery work needs a crew of
    two) with its advisor, and three people: two who may lead battery work (Wei Chen, HV 2;
    Qiang Wang, HV 3) and a guardian (Fang Li, HV 2). The clock stands at 10:00."""
    with time_machine.travel(NOW, tick=False):
        world = crew_world()
        advisor = UserFactory(username="crew-start-adv")
        OutletMembership.objects.create(
            user=advisor, outlet=world.outlet, role=OutletMembership.Role.ADVISOR
        )
        people = {
            "chen": _named(technician(world.outlet, skills=BOTH, hv_level=2), "Wei", "Chen"),
            "wang": _named(technician(world.outlet, skills=BOTH, hv_level=3), "强", "王"),
            "li": _named(technician(world.outlet, hv_level=2), "Fang", "Li"),
        }
        yield {"world": world, "outlet": world.outlet, "advisor": advisor, **people}


def _named(person, first: str, last: str):
    person.user.first_name, person.user.last_name = first, last
    person.user.save(update_fields=["first_name", "last_name"])
    return person


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _board_url(shop) -> str:
    return f"/staff/{shop['outlet'].code}/"


def _checked_in(shop, *, crew: list[int], service=None, bay: str = "hv1") -> Booking:
    service = service or shop["world"].battery
    return BookingFactory(
        outlet=shop["outlet"],
        bay=shop["outlet"].bays.get(name=bay),
        start=NOW,
        end=NOW + dt.timedelta(minutes=service.labour_minutes),
        status=Booking.Status.CHECKED_IN,
        checked_in_at=NOW,
        services=[service],
        crew=crew,
    )


def _part(html: str, start: str, end: str) -> str:
    part = html[html.index(start) :]
    return part[: part.index(end)]


def _crew_select(html: str, booking: Booking) -> str:
    form = _part(html, f'id="act-start-{booking.reference}"', "</form>")
    return _part(form, '<select name="crew"', "</select>")


def test_start_proposes_the_cars_own_crew_first_with_the_guardian_marked(shop):
    chen, wang, li = shop["chen"], shop["wang"], shop["li"]
    booking = _checked_in(shop, crew=[wang.pk, li.pk])
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    select = _crew_select(html, booking)
    own = f'<option value="{wang.pk},{li.pk}" selected>王强, Fang Li (guardian)</option>'
    other = f'<option value="{chen.pk},{li.pk}">Wei Chen, Fang Li (guardian)</option>'
    assert own in select
    assert other in select
    assert select.index(own) < select.index(other)
    assert '<label for="crew-' + booking.reference + '">Crew</label>' in html


def test_the_crew_select_in_chinese(shop):
    shop["advisor"].language = "zh-hans"
    shop["advisor"].save(update_fields=["language"])
    booking = _checked_in(shop, crew=[shop["wang"].pk, shop["li"].pk])
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    with translation.override("zh-hans"):
        guardian = translation.gettext("guardian")
    assert f"王强、Fang Li ({guardian})</option>" in _crew_select(html, booking)


def test_start_with_another_of_the_proposed_crews(shop):
    chen, wang, li = shop["chen"], shop["wang"], shop["li"]
    booking = _checked_in(shop, crew=[wang.pk, li.pk])
    hv1 = shop["outlet"].bays.get(name="hv1")
    response = _client(shop["advisor"]).post(
        f"/staff/{shop['outlet'].code}/{booking.reference}/start/",
        {"bay": hv1.pk, "crew": f"{chen.pk},{li.pk}"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.bay_id, booking.crew) == (
        Booking.Status.IN_SERVICE,
        hv1.pk,
        [chen.pk, li.pk],
    )


def test_the_proposed_crew_starts_the_car_as_booked(shop):
    wang, li = shop["wang"], shop["li"]
    booking = _checked_in(shop, crew=[wang.pk, li.pk])
    hv1 = shop["outlet"].bays.get(name="hv1")
    response = _client(shop["advisor"]).post(
        f"/staff/{shop['outlet'].code}/{booking.reference}/start/",
        {"bay": hv1.pk, "crew": f"{wang.pk},{li.pk}"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.crew) == (Booking.Status.IN_SERVICE, [wang.pk, li.pk])


def _busy_chen(shop) -> Booking:
    """Wei Chen is on a general job on the general bay until 10:30."""
    return BookingFactory(
        outlet=shop["outlet"],
        bay=shop["outlet"].bays.get(name="gen"),
        start=NOW - dt.timedelta(minutes=30),
        end=NOW + dt.timedelta(minutes=30),
        status=Booking.Status.IN_SERVICE,
        checked_in_at=NOW - dt.timedelta(minutes=40),
        started_at=NOW - dt.timedelta(minutes=30),
        services=[shop["world"].general],
        crew=[shop["chen"].pk],
    )


def test_a_busy_person_is_not_proposed(shop):
    chen, wang, li = shop["chen"], shop["wang"], shop["li"]
    _busy_chen(shop)
    booking = _checked_in(shop, crew=[wang.pk, li.pk])
    select = _crew_select(_client(shop["advisor"]).get(_board_url(shop)).content.decode(), booking)
    assert f'value="{wang.pk},{li.pk}"' in select
    assert f'value="{chen.pk},' not in select


def _start_busy_crew(shop, booking: Booking):
    chen, li = shop["chen"], shop["li"]
    hv1 = shop["outlet"].bays.get(name="hv1")
    return _client(shop["advisor"]).post(
        f"/staff/{shop['outlet'].code}/{booking.reference}/start/",
        {"bay": hv1.pk, "crew": f"{chen.pk},{li.pk}"},
        headers={"HX-Request": "true"},
    )


def test_a_busy_crew_is_refused_next_to_the_crew_field_and_in_the_status_line(shop):
    _busy_chen(shop)
    booking = _checked_in(shop, crew=[shop["wang"].pk, shop["li"].pk])
    response = _start_busy_crew(shop, booking)
    assert response.status_code == 409
    html = response.content.decode()
    form = _part(html, f'id="act-start-{booking.reference}"', "</form>")
    assert "data-refused" in form
    assert f'aria-describedby="crew-{booking.reference}-error"' in form
    assert (
        f'<small class="field-error" id="crew-{booking.reference}-error">'
        "Choose a crew that is free and qualified for the whole visit.</small>"
    ) in form
    answer = _part(html, 'id="board-answer"', "</div>")
    assert f"{booking.reference}: “Start” was refused." in answer
    assert "That crew may not do this work now, or is busy before it would end." in answer
    booking.refresh_from_db()
    assert (booking.status, booking.crew) == (
        Booking.Status.CHECKED_IN,
        [shop["wang"].pk, shop["li"].pk],
    )


def test_a_busy_crew_is_refused_in_chinese(shop):
    shop["advisor"].language = "zh-hans"
    shop["advisor"].save(update_fields=["language"])
    _busy_chen(shop)
    booking = _checked_in(shop, crew=[shop["wang"].pk, shop["li"].pk])
    response = _start_busy_crew(shop, booking)
    assert response.status_code == 409
    html = response.content.decode()
    with translation.override("zh-hans"):
        field = translation.gettext("Choose a crew that is free and qualified for the whole visit.")
        detail = translation.gettext(
            "That crew may not do this work now, or is busy before it would end."
        )
    assert field != "Choose a crew that is free and qualified for the whole visit."
    assert f'id="crew-{booking.reference}-error">{field}</small>' in html
    assert detail in _part(html, 'id="board-answer"', "</div>")


def test_no_crew_free_says_so_on_the_start_form(shop):
    booking = _checked_in(shop, crew=[])
    Technician.objects.update(is_active=False)  # nobody left on the roster
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    form = _part(html, f'id="act-start-{booking.reference}"', "</form>")
    assert 'name="bay"' in form
    assert 'name="crew"' not in form
    assert "No qualified crew is free until this work would end." in form


def test_no_crew_select_at_an_outlet_planned_by_bays_alone(shop):
    Outlet.objects.filter(pk=shop["outlet"].pk).update(plans_crews=False)
    booking = _checked_in(shop, crew=[])
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    form = _part(html, f'id="act-start-{booking.reference}"', "</form>")
    assert 'name="bay"' in form
    assert 'name="crew"' not in form
    assert "No qualified crew" not in form


def test_a_lapsed_certificate_is_flagged_on_the_card(shop):
    wang, li = shop["wang"], shop["li"]
    wang.hv_valid_until = NOW.date() - dt.timedelta(days=1)
    wang.save(update_fields=["hv_valid_until"])
    flagged = _checked_in(shop, crew=[wang.pk, li.pk])
    fine = _checked_in(shop, crew=[shop["chen"].pk], service=shop["world"].general, bay="gen")
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    card = _part(html, f'id="card-{flagged.reference}"', "</article>")
    assert '<span class="flag flag-crew">⚠ 王强: HV certificate lapsed</span>' in card
    assert "flag-crew" not in _part(html, f'id="card-{fine.reference}"', "</article>")


def test_the_card_flag_in_chinese(shop):
    shop["advisor"].language = "zh-hans"
    shop["advisor"].save(update_fields=["language"])
    wang, li = shop["wang"], shop["li"]
    wang.hv_valid_until = NOW.date() - dt.timedelta(days=1)
    wang.save(update_fields=["hv_valid_until"])
    flagged = _checked_in(shop, crew=[wang.pk, li.pk])
    html = _client(shop["advisor"]).get(_board_url(shop)).content.decode()
    card = _part(html, f'id="card-{flagged.reference}"', "</article>")
    assert "⚠ 王强：高压证书已过期</span>" in card


def _cars(shop, count: int) -> None:
    """`count` cars checked in, waiting for a bay, each with its own technician."""
    for _n in range(count):
        person = technician(shop["outlet"], skills=BOTH, hv_level=2)
        BookingFactory(
            outlet=shop["outlet"],
            bay=None,
            start=NOW,
            end=NOW + dt.timedelta(minutes=60),
            status=Booking.Status.CHECKED_IN,
            checked_in_at=NOW,
            services=[shop["world"].general],
            crew=[person.pk],
        )


def test_the_board_of_an_outlet_planning_crews_costs_the_same_for_1_or_8_cars(
    shop, django_assert_max_num_queries
):
    client = _client(shop["advisor"])
    client.get(_board_url(shop))  # the person's roles, cached after the first page
    counts = []
    for more in (1, 7):
        _cars(shop, more)
        # The board's budget with crews named and cars checked in (test_board_crew, and the
        # one read of the bays' spans), and a fixed number more where the outlet plans crews:
        # the crews calendar (bookings.crews: five queries) and the crews' flags (four: the
        # people, their authorizations, absences and shifts at the outlet).
        with django_assert_max_num_queries(21 + 1 + 5 + 4) as page:
            assert client.get(_board_url(shop)).status_code == 200
        with django_assert_max_num_queries(17 + 1 + 5 + 4) as fragment:
            assert (
                client.get(f"{_board_url(shop)}board/", HTTP_HX_REQUEST="true").status_code == 200
            )
        counts.append((len(page), len(fragment)))
    assert counts[0] == counts[1]
