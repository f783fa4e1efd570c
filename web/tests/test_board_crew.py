"""The board card names the booking's crew: the lead first, the others as guardians (监护人),
all cards' names read in one query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from crews.models import HvLevel
from crews.tests.factories import TechnicianFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory

pytestmark = pytest.mark.django_db

BOARD = "/staff/SH-CREWB-01/"


@pytest.fixture
def crew_board(db) -> dict:
    """An outlet open all day with a bay and its advisor; the clock at noon of the suite's day,
    so that the day's board has hours on both sides of now."""
    noon = dt.datetime.combine(
        timezone.localdate(), dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(noon, tick=True):
        services = list(ServiceType.objects.filter(code="mnt-annual"))
        outlet = OutletFactory(
            code="SH-CREWB-01", services=services, hours=[(dt.time(0), dt.time(23, 59))]
        )
        BayFactory(outlet=outlet, name="B1")
        advisor = UserFactory(username="crew-board-adv")
        OutletMembershipFactory(user=advisor, outlet=outlet, role=OutletMembership.Role.ADVISOR)
        yield {"outlet": outlet, "advisor": advisor, "services": services}


def _technician(outlet, name: str):
    first, last = name.split()
    return TechnicianFactory(
        user=UserFactory(first_name=first, last_name=last),
        hv_level=HvLevel.QUALIFIED,
        outlet=outlet,
    )


def _booking(floor: dict, *, minutes: int, crew: list[int]) -> Booking:
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=minutes)
    return BookingFactory(
        outlet=floor["outlet"],
        bay=None,
        start=start,
        end=start + dt.timedelta(minutes=60),
        status=Booking.Status.CONFIRMED,
        services=floor["services"],
        crew=crew,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_card_names_the_lead_then_the_guardian(crew_board):
    outlet = crew_board["outlet"]
    lead, guardian = _technician(outlet, "Fang Wang"), _technician(outlet, "Lei Li")
    crewed = _booking(crew_board, minutes=30, crew=[lead.pk, guardian.pk])
    bare = _booking(crew_board, minutes=120, crew=[])
    html = _client(crew_board["advisor"]).get(BOARD).content.decode()
    card = html.split(f'id="card-{crewed.reference}"')[1].split("</article>")[0]
    assert '<dd class="crew">Fang Wang, Lei Li <small>(guardian)</small></dd>' in card
    bare_card = html.split(f'id="card-{bare.reference}"')[1].split("</article>")[0]
    assert 'class="crew"' not in bare_card


def test_the_guardian_label_in_chinese(crew_board):
    crew_board["advisor"].language = "zh-hans"
    crew_board["advisor"].save()
    outlet = crew_board["outlet"]
    lead, guardian = _technician(outlet, "Fang Wang"), _technician(outlet, "Lei Li")
    _booking(crew_board, minutes=30, crew=[lead.pk, guardian.pk])
    html = _client(crew_board["advisor"]).get(BOARD).content.decode()
    with translation.override("zh-hans"):
        assert f"({translation.gettext('guardian')})" in html
        assert translation.gettext("Crew") in html


@pytest.mark.parametrize("count", [1, 8])
def test_crews_cost_one_query_for_the_whole_board(crew_board, count, django_assert_max_num_queries):
    outlet = crew_board["outlet"]
    for n in range(count):
        lead, guardian = _technician(outlet, f"Lead N{n}"), _technician(outlet, f"Guard N{n}")
        _booking(crew_board, minutes=30 * n, crew=[lead.pk, guardian.pk])
    client = _client(crew_board["advisor"])
    # The board's budget without crews (test_staff_pages) and one query for every crew's names.
    with django_assert_max_num_queries(21):
        assert client.get(BOARD).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(f"{BOARD}board/", HTTP_HX_REQUEST="true").status_code == 200
