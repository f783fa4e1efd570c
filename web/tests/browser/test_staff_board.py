"""The staff board in a real browser: two advisors of one outlet see each other's changes
without a reload, a car goes through its day (check-in, start, ready with the checklist,
complete), a walk-in appears on both boards, and a manager's closure leaves the owner's time
picker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import VehicleFactory, valid_vin

from .conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

Role = OutletMembership.Role
LIVE_MS = 5000  # the promise: a change appears on every open board within 5 s


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def staff_sign_in(page: Page, base: str, username: str, code: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/staff/{code}/$"))


@pytest.fixture
def board_floor(db):
    services = list(ServiceType.objects.filter(code__in=["mnt-annual", "dgn-full-scan"]))
    outlet = OutletFactory(
        code="SH-LIVE-01",
        name="Live Board Centre",
        name_zh="实时看板中心",
        services=services,
        hours=[(dt.time(0), dt.time(23, 59))],
    )
    BayFactory(outlet=outlet, name="B1")
    BayFactory(outlet=outlet, name="B2")
    advisors = []
    for name in ("advisor-a", "advisor-b"):
        user = UserFactory(username=name)
        OutletMembershipFactory(user=user, outlet=outlet, role=Role.ADVISOR)
        advisors.append(user)
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10)
    booking = BookingFactory(
        outlet=outlet,
        bay=outlet.bays.get(name="B1"),
        start=start,
        end=start + dt.timedelta(minutes=60),
        vehicle=VehicleFactory(plate="沪A55555"),
        services=[ServiceType.objects.get(code="mnt-annual")],
    )
    return {"outlet": outlet, "advisors": advisors, "booking": booking}


def _card(page: Page, stage: str, reference: str):
    return page.locator(f"section.stage-{stage} #card-{reference}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_two_advisors_run_a_car_through_the_day(board_floor, live_server, open_page, language):
    base = live_server.url
    for user in board_floor["advisors"]:
        user.language = language
        user.save()
    ref = board_floor["booking"].reference
    desk_a, desk_b = open_page(language), open_page(language)
    staff_sign_in(desk_a, base, "advisor-a", "SH-LIVE-01")
    staff_sign_in(desk_b, base, "advisor-b", "SH-LIVE-01")
    for desk in (desk_a, desk_b):
        expect(_card(desk, "confirmed", ref)).to_be_visible()
        expect(desk.locator("html")).to_have_attribute("lang", language)
    check_accessibility(desk_a)

    # A checks the car in; B's board shows it without a reload.
    b_url = desk_b.url
    card = _card(desk_a, "confirmed", ref)
    card.locator("input[name=odometer_km]").fill("23000")
    card.get_by_role("button", name=t(language, "Check in")).click()
    expect(_card(desk_a, "checked_in", ref)).to_be_visible()
    expect(_card(desk_b, "checked_in", ref)).to_be_visible(timeout=LIVE_MS)
    assert desk_b.url == b_url  # no navigation: swapped in place

    # Start on the other bay.
    card = _card(desk_a, "checked_in", ref)
    card.locator("select[name=bay]").select_option(label="B2")
    card.get_by_role("button", name=t(language, "Start")).click()
    expect(_card(desk_a, "in_service", ref)).to_contain_text("B2")
    expect(_card(desk_b, "in_service", ref)).to_be_visible(timeout=LIVE_MS)
    check_accessibility(desk_b)

    # Ready for pickup, with the checklist: one item left unticked is refused, next to the
    # checklist, with the ticks kept.
    checklist = ServiceType.objects.get(code="mnt-annual").checklist
    card = _card(desk_a, "in_service", ref)
    boxes = card.locator("input[type=checkbox]")
    assert boxes.count() == len(checklist)
    for n in range(len(checklist) - 1):
        boxes.nth(n).check()
    card.get_by_role("button", name=t(language, "Ready for pickup")).click()
    error = _card(desk_a, "in_service", ref).locator(".checklist-error")
    expect(error).to_be_visible()
    expect(_card(desk_a, "in_service", ref).locator("input[type=checkbox]:checked")).to_have_count(
        len(checklist) - 1
    )
    assert Booking.objects.get(reference=ref).status == Booking.Status.IN_SERVICE
    check_accessibility(desk_a)

    _card(desk_a, "in_service", ref).locator("input[type=checkbox]").last.check()
    _card(desk_a, "in_service", ref).get_by_role(
        "button", name=t(language, "Ready for pickup")
    ).click()
    expect(_card(desk_b, "ready", ref)).to_be_visible(timeout=LIVE_MS)

    # Complete: the labour time is asked when the owner collects the car.
    card = _card(desk_a, "ready", ref)
    card.locator("input[name=actual_labour_minutes]").fill("50")
    card.get_by_role("button", name=t(language, "Complete")).click()
    expect(desk_a.locator(f"#card-{ref}")).to_have_count(0)
    expect(desk_b.locator(f"#card-{ref}")).to_have_count(0, timeout=LIVE_MS)
    done = Booking.objects.get(reference=ref)
    assert (done.status, done.actual_labour_minutes) == (Booking.Status.COMPLETED, 50)

    # A walk-in registered at desk A (a car new to HIMA) shows on both boards.
    vin = valid_vin(7700 + len(language))
    desk_a.fill("#id_vin", vin)
    desk_a.check("input[name=service][value=mnt-annual]")
    desk_a.click("#walk-in-form details summary")
    desk_a.select_option("#id_model", "aito-m7")
    # First where it would go (nothing is kept), then for real.
    desk_a.click("#walk-in-form button[name=preview]")
    expect(desk_a.locator("#walk-in-preview")).to_be_visible()
    assert not Booking.objects.filter(vehicle__vin=vin).exists()
    check_accessibility(desk_a)
    desk_a.click("#walk-in-form button[type=submit]:not([name=preview])")
    walk_in = Booking.objects.get(vehicle__vin=vin)
    expect(desk_a.locator(".flash")).to_contain_text(walk_in.reference)
    for desk in (desk_a, desk_b):
        expect(desk.locator(f"#card-{walk_in.reference}")).to_be_visible(timeout=LIVE_MS)
    check_accessibility(desk_a)
    assert desk_a.csp_violations == []
    assert desk_b.csp_violations == []


def test_a_change_through_the_api_reaches_the_open_board(board_floor, live_server, open_page):
    base = live_server.url
    desk = open_page("en")
    staff_sign_in(desk, base, "advisor-b", "SH-LIVE-01")
    ref = board_floor["booking"].reference
    expect(_card(desk, "confirmed", ref)).to_be_visible()
    token = desk.request.post(
        f"{base}/api/v1/auth/token/", data={"username": "advisor-a", "password": PASSWORD}
    ).json()["token"]
    response = desk.context.request.post(
        f"{base}/api/v1/bookings/{ref}/check-in/",
        headers={"Authorization": f"Token {token}"},
        data={},
    )
    assert response.status == 200, response.text()
    expect(_card(desk, "checked_in", ref)).to_be_visible(timeout=LIVE_MS)


def test_the_board_works_without_javascript(board_floor, live_server, open_page):
    base = live_server.url
    desk = open_page("en", java_script_enabled=False)
    staff_sign_in(desk, base, "advisor-a", "SH-LIVE-01")
    ref = board_floor["booking"].reference
    _card(desk, "confirmed", ref).get_by_role("button", name="Check in").click()
    desk.wait_for_url(re.compile(r"/staff/SH-LIVE-01/$"))
    expect(_card(desk, "checked_in", ref)).to_be_visible()
    expect(desk.locator(".flash")).to_contain_text(ref)
    # A refused action explains why, on the card and in the status line, the value kept.
    other = BookingFactory(
        outlet=board_floor["outlet"],
        bay=board_floor["outlet"].bays.get(name="B2"),
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=30),
        end=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=90),
    )
    desk.reload()
    _card(desk, "confirmed", other.reference).locator("input[name=odometer_km]").fill("9999999")
    _card(desk, "confirmed", other.reference).get_by_role("button", name="Check in").click()
    card = _card(desk, "confirmed", other.reference)
    expect(card.locator(".field-error")).to_be_visible()
    expect(card.locator("input[name=odometer_km]")).to_have_value("9999999")
    expect(desk.locator("#board-status")).to_contain_text(other.reference)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_managers_closure_leaves_the_owners_time_picker(shop, live_server, open_page, language):
    manager = UserFactory(username="web-manager", language=language)
    OutletMembershipFactory(user=manager, outlet=shop.outlet, role=Role.MANAGER)
    base = live_server.url
    owner = open_page(language)
    owner.goto(f"{base}/sign-in/")
    owner.fill("#id_username", shop.owner.username)
    owner.fill("#id_password", PASSWORD)
    owner.click("form[action='/sign-in/'] button[type=submit]")
    owner.wait_for_url(re.compile(r"/vehicles/$"))
    pick = f"{base}/outlets/SH-WEB-01/book/?vehicle={shop.vehicle.pk}&service=mnt-annual"
    owner.goto(pick)
    day = (timezone.now().astimezone(shop.outlet.zone) + dt.timedelta(days=4)).date()
    offered = owner.locator(f"input[name=start][value^='{day.isoformat()}']")
    assert offered.count() > 0

    desk = open_page(language)
    staff_sign_in(desk, base, "web-manager", "SH-WEB-01")
    check_accessibility(desk)
    for link, path in [("Opening hours", "hours"), ("Bays", "bays")]:
        desk.get_by_role("link", name=t(language, link)).click()
        desk.wait_for_url(re.compile(rf"/manage/{path}/$"))
        expect(desk.locator("main form").first).to_be_visible()
        check_accessibility(desk)
    desk.get_by_role("link", name=t(language, "Closures")).click()
    check_accessibility(desk)
    desk.fill("#id_date", day.isoformat())
    desk.fill("#id_reason", "Inventory")
    desk.click("#closure-form button[type=submit]")
    expect(desk.locator("#closures")).to_contain_text(day.isoformat())
    check_accessibility(desk)

    owner.goto(pick)
    expect(owner.locator("input[name=start]").first).to_be_attached()
    assert owner.locator(f"input[name=start][value^='{day.isoformat()}']").count() == 0

    # A day that still has a booking cannot be closed: the message is on the page.
    booked = BookingFactory(outlet=shop.outlet, vehicle=shop.vehicle, bay=shop.outlet.bays.first())
    booked_day = booked.start.astimezone(shop.outlet.zone).date()
    desk.fill("#id_date", booked_day.isoformat())
    desk.click("#closure-form button[type=submit]")
    expect(desk.locator("#closure-form")).to_contain_text(booked.reference)
    check_accessibility(desk)
