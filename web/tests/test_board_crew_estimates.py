"""The board's estimated starts at an outlet that plans crews, through Django's test client: a
walk-in that finds a bay free but nobody qualified to work on it is told when someone will be,
and its card shows that time, in the reader's language."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.crew_world import crew_world, technician
from outlets.models import OutletMembership
from vehicles.tests.factories import valid_vin

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning, on shift


@pytest.fixture
def shop(db):
    """The crews world with its advisor and one general technician, the clock at 10:00."""
    with time_machine.travel(NOW, tick=False):
        world = crew_world()
        advisor = UserFactory(username="crew-estimate-adv")
        OutletMembership.objects.create(
            user=advisor, outlet=world.outlet, role=OutletMembership.Role.ADVISOR
        )
        technician(world.outlet)
        yield {"world": world, "outlet": world.outlet, "advisor": advisor}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _walk_in(shop, number: int, *, preview: bool = False):
    data = {
        "vin": valid_vin(number),
        "service": [shop["world"].general.code],
        "model": "aito-m7",
        "owner_phone": f"+86139000{number:05d}",
    }
    if preview:
        data["preview"] = "1"
    return _client(shop["advisor"]).post(
        f"/staff/{shop['outlet'].code}/walk-ins/", data, follow=not preview
    )


def _estimate_on_card(html: str, reference: str) -> str:
    card = html[html.index(reference) :]
    return re.search(r'<dd class="estimate">([^<]*)</dd>', card).group(1)


def test_a_walk_in_with_a_bay_but_no_free_crew_is_told_when_one_will_be(shop):
    with time_machine.travel(NOW, tick=False):
        _walk_in(shop, 9201)  # takes the one technician from 10:00 to 11:00
        preview = _walk_in(shop, 9202, preview=True).content.decode()
        registered = _walk_in(shop, 9202).content.decode()
        board = _client(shop["advisor"]).get(f"/staff/{shop['outlet'].code}/").content.decode()
    assert "No suitable bay with a free qualified crew now; estimated start 11:00." in preview
    waiting = Booking.objects.get(vehicle__vin=valid_vin(9202))
    assert waiting.bay is None
    assert (
        f"Walk-in {waiting.reference} waits for a bay and a crew; estimated start 11:00."
        in registered
    )
    assert _estimate_on_card(board, waiting.reference) == "11:00"


def test_the_message_is_in_the_advisors_language(shop):
    shop["advisor"].language = "zh-hans"
    shop["advisor"].save(update_fields=["language"])
    with time_machine.travel(NOW, tick=False):
        _walk_in(shop, 9203)
        preview = _walk_in(shop, 9204, preview=True).content.decode()
    assert "现在没有合适的空闲工位和空闲的合格班组；预计 11:00 开始。" in preview
