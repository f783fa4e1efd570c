"""The staff board when an action's answer is slow and the board changes meanwhile: the answer
is held back (Playwright holds the POST's response) while another desk registers a walk-in and
the board's poll swaps the board in. The refusal still reaches the person who acted (in the
status line, and next to the checklist with the ticks kept), a half-filled form on another card
survives the poll, and a move that succeeded shows at once with its sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, Route, expect

from accounts.tests.factories import UserFactory
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import VehicleFactory, valid_vin

from .conftest import check_accessibility
from .test_staff_board import LIVE_MS, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

Role = OutletMembership.Role


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def service_name(language: str, service: ServiceType) -> str:
    return service.name_zh if language == "zh-hans" and service.name_zh else service.name


def until(page: Page, condition: Callable[[], bool]) -> None:
    """Wait (in the browser's event loop, so route handlers run) until `condition` holds."""
    for _attempt in range(300):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the condition never held")


@pytest.fixture
def race_floor(db):
    service = ServiceType.objects.get(code="mnt-annual")
    outlet = OutletFactory(
        code="SH-RACE-01",
        name="Race Centre",
        name_zh="竞速中心",
        services=[service],
        hours=[(dt.time(0), dt.time(23, 59))],
    )
    for name in ("B1", "B2", "B3"):
        BayFactory(outlet=outlet, name=name)
    advisor, manager = UserFactory(username="race-advisor"), UserFactory(username="race-manager")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    OutletMembershipFactory(user=manager, outlet=outlet, role=Role.MANAGER)
    now = timezone.now().replace(second=0, microsecond=0)
    in_service = BookingFactory(
        outlet=outlet,
        bay=outlet.bays.get(name="B1"),
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=30),
        status=Booking.Status.IN_SERVICE,
        checked_in_at=now - dt.timedelta(minutes=35),
        started_at=now - dt.timedelta(minutes=30),
        services=[service],
    )
    expected = BookingFactory(
        outlet=outlet,
        bay=outlet.bays.get(name="B2"),
        start=now + dt.timedelta(minutes=10),
        end=now + dt.timedelta(minutes=70),
        vehicle=VehicleFactory(plate="沪A77777"),
        services=[service],
    )
    return {
        "outlet": outlet,
        "service": service,
        "advisor": advisor,
        "manager": manager,
        "in_service": in_service,
        "expected": expected,
    }


def _walk_in(floor: dict, n: int) -> Booking:
    """Another desk registers a walk-in (the manager, through the same service)."""
    return walk_in_register(
        outlet=floor["outlet"],
        actor=floor["manager"],
        vin=valid_vin(8800 + n),
        service_codes=["mnt-annual"],
        model_code="aito-m7",
    )


def _hold(page: Page, path: str) -> list:
    """Hold back the answers to POSTs on `path`: the server handles them at once, the page gets
    them only when the test releases them."""
    held: list = []

    def handler(route: Route) -> None:
        held.append((route, route.fetch()))

    page.route(re.compile(re.escape(path) + "$"), handler)
    return held


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_answer_held_across_a_poll_still_reaches_the_actor(
    race_floor, live_server, open_page, language
):
    race_floor["advisor"].language = language
    race_floor["advisor"].save()
    service = race_floor["service"]
    busy_ref = race_floor["in_service"].reference
    here_ref = race_floor["expected"].reference
    desk = open_page(language)
    staff_sign_in(desk, live_server.url, "race-advisor", "SH-RACE-01")
    busy_card, here_card = desk.locator(f"#card-{busy_ref}"), desk.locator(f"#card-{here_ref}")
    expect(busy_card).to_be_visible()

    # Half a form on one card: an odometer reading typed, then attention elsewhere.
    here_card.locator("input[name=odometer_km]").fill("23456")
    desk.locator("h1").click()
    # On the other: all but the last checklist item ticked, "Ready for pickup" sent, and its
    # answer held back.
    boxes = busy_card.locator("input[type=checkbox]")
    for n in range(boxes.count() - 1):
        boxes.nth(n).check()
    held = _hold(desk, f"/{busy_ref}/ready/")
    busy_card.get_by_role("button", name=t(language, "Ready for pickup")).click()
    until(desk, lambda: bool(held))

    # Meanwhile another desk registers a walk-in, and the poll swaps the board in.
    first = _walk_in(race_floor, 1)
    expect(desk.locator(f"#card-{first.reference}")).to_be_visible(timeout=LIVE_MS)
    expect(here_card.locator("input[name=odometer_km]")).to_have_value("23456")
    expect(busy_card.locator("input[type=checkbox]:checked")).to_have_count(boxes.count() - 1)

    # The refusal arrives after the swap: it is said in the status line and on the card, with
    # the service by its name and the ticks kept; the half-filled form is still there.
    route, response = held.pop()
    route.fulfill(response=response)
    status = desk.locator("#board-status")
    expect(status).to_contain_text(busy_ref)
    expect(status).to_contain_text(service_name(language, service))
    assert service.code not in status.inner_text()
    error = busy_card.locator(".checklist-error")
    expect(error).to_contain_text(service_name(language, service))
    # The missing item in the board's language, as the checklist's boxes show it.
    items = service.checklist_zh if language == "zh-hans" else service.checklist
    expect(error).to_contain_text(items[-1])
    expect(busy_card.locator("fieldset label").last).to_contain_text(items[-1])
    if language == "zh-hans":
        assert service.checklist[-1] not in error.inner_text()
    expect(busy_card.locator("input[type=checkbox]:checked")).to_have_count(boxes.count() - 1)
    expect(here_card.locator("input[name=odometer_km]")).to_have_value("23456")
    expect(desk.locator(f"#card-{first.reference}")).to_be_visible(timeout=LIVE_MS)
    assert Booking.objects.get(reference=busy_ref).status == Booking.Status.IN_SERVICE
    check_accessibility(desk)

    # A check-in whose answer is held across another poll: the move shows as soon as the answer
    # arrives, with its sentence, and the reading typed before is recorded.
    held = _hold(desk, f"/{here_ref}/check-in/")
    here_card.get_by_role("button", name=t(language, "Check in")).click()
    until(desk, lambda: bool(held))
    second = _walk_in(race_floor, 2)
    expect(desk.locator(f"#card-{second.reference}")).to_be_visible(timeout=LIVE_MS)
    route, response = held.pop()
    route.fulfill(response=response)
    with translation.override(language):
        done = translation.gettext("%(ref)s is checked in.") % {"ref": here_ref}
    expect(status).to_contain_text(done, timeout=1000)  # the answer itself, not a later poll
    expect(desk.locator(f"section.stage-checked_in #card-{here_ref}")).to_be_visible(timeout=1000)
    checked_in = Booking.objects.select_related("vehicle").get(reference=here_ref)
    assert checked_in.status == Booking.Status.CHECKED_IN
    assert checked_in.vehicle.odometer_km == 23456
    assert desk.csp_violations == []
