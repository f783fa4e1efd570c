"""The whole visit in the workshop, on phones, in both languages: the advisor checks the car in
from the board and inspects it (readings and a photo of the front), proposes an urgent repair
with a photo and sends it; the owner opens the signed link on their own phone, sees the price
and the photo, and approves; the board shows the approval; the advisor runs the work, declares
the car ready with its checklist and completes it; the owner's booking links the settlement
sheet, itemised with the booked service, the approved repair and the totals."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from bookings.models import Booking, Notification
from bookings.tests.factories import BookingFactory
from estimates.models import EstimateLine
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model
from web.common.display import local_name, money
from workshop.models import Inspection

from .conftest import PHONE, check_accessibility
from .test_staff_board import LIVE_MS, staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

Role = OutletMembership.Role
PHOTO_SIZE = (120, 80)


def t(language: str, text: str, **params: object) -> str:
    with translation.override(language):
        return translation.gettext(text) % params if params else translation.gettext(text)


def tn(language: str, singular: str, n: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, singular, n) % {"n": n}


def _photo(path: Path, colour: tuple[int, int, int]) -> Path:
    """A small JPEG as a phone's camera would hand it over."""
    image = Image.new("RGB", PHOTO_SIZE, colour)
    ImageDraw.Draw(image).rectangle((20, 20, 60, 50), fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def media_root(settings, tmp_path):
    """The photos of the walk land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def workshop_floor(db, media_root):
    service = ServiceType.objects.get(code="mnt-annual")
    outlet = OutletFactory(
        code="SH-WALK-01",
        name="Walk Centre",
        name_zh="走查中心",
        services=[service],
        hours=[(dt.time(0), dt.time(23, 59))],
    )
    BayFactory(outlet=outlet, name="B1")
    BayFactory(outlet=outlet, name="B2")
    advisor = UserFactory(username="walk-advisor")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    owner = UserFactory(username="walk-owner")
    vehicle = VehicleFactory(
        owner=owner, model=vehicle_model("luxeed-s7"), plate="沪A77777", odometer_km=20000
    )
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10)
    booking = BookingFactory(
        outlet=outlet,
        bay=outlet.bays.get(name="B1"),
        vehicle=vehicle,
        start=start,
        end=start + dt.timedelta(minutes=service.labour_minutes),
        bay_released_at=start + dt.timedelta(minutes=service.labour_minutes),
        services=[service],
    )
    return {"advisor": advisor, "owner": owner, "booking": booking, "service": service}


def _sign_in_owner(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))


def _card(page: Page, stage: str, reference: str):
    return page.locator(f"section.stage-{stage} #card-{reference}")


def _wide_enough(page: Page) -> None:
    """Nothing wider than the phone: the page scrolls down, never sideways."""
    page.wait_for_load_state("load")  # measured with its style sheets applied
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def _inspect(desk: Page, language: str, ref: str, front: Path) -> None:
    _card(desk, "checked_in", ref).get_by_role("link", name=t(language, "Inspect")).click()
    desk.wait_for_url(re.compile(rf"/{ref}/inspection/$"))
    # The reading taken at check-in is offered.
    expect(desk.locator("#id_odometer_km")).to_have_value("20450")
    desk.fill("#id_odometer_km", "20480")
    desk.fill("#id_state_of_charge", "64")
    desk.fill("#id_front_note", "Stone chip on the bonnet")
    desk.set_input_files("#id_front_photo", str(front))
    assert desk.locator("#id_front_photo").get_attribute("capture") == "environment"
    check_accessibility(desk)
    desk.get_by_role("button", name=t(language, "Save the inspection")).click()
    expect(desk.locator(".flash")).to_contain_text(
        t(language, "The inspection of %(reference)s is saved.", reference=ref)
    )
    thumb = desk.locator("#view-front img")
    thumb.scroll_into_view_if_needed()
    expect(thumb).to_have_js_property("naturalWidth", PHOTO_SIZE[0])  # streamed to staff
    _wide_enough(desk)


def _propose_and_send(desk: Page, language: str, ref: str, finding: Path) -> EstimateLine:
    desk.get_by_role("link", name=t(language, "Back to the board")).click()
    card = _card(desk, "checked_in", ref)
    card.get_by_role("link", name=t(language, "Extra work")).click()
    desk.wait_for_url(re.compile(rf"/{ref}/estimate/$"))
    desk.check("input[name=grade][value=urgent]")
    desk.fill("#id_description", "Cracked brake disc, front left")
    desk.fill("#id_labour_minutes", "45")
    desk.fill("#id_part_1_name", "Brake disc")
    desk.fill("#id_part_1_quantity", "1")
    desk.fill("#id_part_1_unit_price", "600")
    desk.set_input_files("#id_photo", str(finding))
    check_accessibility(desk)
    desk.get_by_role("button", name=t(language, "Add the line")).click()
    expect(desk.locator(".flash")).to_contain_text(
        t(language, "The line was added. Send it to the owner when ready.")
    )
    desk.get_by_role("button", name=t(language, "Send the new lines to the owner")).click()
    expect(desk.locator(".flash")).to_contain_text(
        t(language, "Sent: the owner has 48 hours to answer.")
    )
    _wide_enough(desk)
    return EstimateLine.objects.get(booking__reference=ref)


def _owner_approves(page: Page, language: str, link: str, line: EstimateLine) -> None:
    page.goto(link)
    shown = page.locator(f"#line-{line.pk}")
    expect(shown).to_contain_text("Cracked brake disc, front left")
    expect(shown.locator(".grade-urgent")).to_be_visible()
    expect(shown.locator(".estimate-price")).to_have_text(money(line.price, line.currency))
    photo = shown.locator(".estimate-photos img")
    photo.scroll_into_view_if_needed()
    expect(photo).to_have_js_property("naturalWidth", PHOTO_SIZE[0])  # the owner sees it
    check_accessibility(page)
    _wide_enough(page)
    approve = t(language, "Approve (%(price)s)", price=money(line.price, line.currency))
    page.get_by_role("button", name=approve).click()
    expect(page.locator(".flash")).to_contain_text(t(language, "Approved. Thank you."))
    expect(shown.locator(f".status-line-{EstimateLine.State.APPROVED}")).to_be_visible()
    expect(page.get_by_role("button", name=approve)).to_have_count(0)


def _run_the_visit(desk: Page, language: str, ref: str, service: ServiceType) -> None:
    """Start, the approved work started and done, ready with the checklist, completed."""
    card = _card(desk, "checked_in", ref)
    card.get_by_role("button", name=t(language, "Start")).click()
    expect(_card(desk, "in_service", ref)).to_be_visible()

    # Ready before the approved work is done: refused, and the card asks, beside the refusal,
    # why the work would wait for a later visit (the advisor does the work instead).
    card = _card(desk, "in_service", ref)
    boxes = card.locator("input[type=checkbox]")
    for n in range(len(service.checklist)):
        boxes.nth(n).check()
    card.get_by_role("button", name=t(language, "Ready for pickup")).click()
    card = _card(desk, "in_service", ref)
    reason = card.get_by_label(t(language, "Why the approved extra work waits for a later visit"))
    expect(reason).to_be_visible()
    expect(card.locator(".field-error")).to_contain_text(
        t(language, "Why the approved work waits for a later visit.")
    )
    check_accessibility(desk)

    card.get_by_role("link", name=t(language, "Extra work")).click()
    desk.get_by_role("button", name=t(language, "Start this work")).click()
    expect(desk.locator(".flash")).to_contain_text(t(language, "Work started."))
    desk.get_by_role("button", name=t(language, "Complete this work")).click()
    expect(desk.locator(".flash")).to_contain_text(t(language, "Work completed."))
    expect(desk.locator(".estimate-trail")).to_contain_text(t(language, "work done"))
    desk.get_by_role("link", name=t(language, "Back to the board")).click()

    card = _card(desk, "in_service", ref)
    boxes = card.locator("input[type=checkbox]")
    expect(boxes).to_have_count(len(service.checklist))
    for n in range(len(service.checklist)):
        boxes.nth(n).check()
    card.get_by_role("button", name=t(language, "Ready for pickup")).click()
    card = _card(desk, "ready", ref)
    expect(card).to_be_visible()
    card.locator("input[name=actual_labour_minutes]").fill("140")
    card.get_by_role("button", name=t(language, "Complete")).click()
    expect(desk.locator(f"#card-{ref}")).to_have_count(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visit_from_check_in_to_settlement_on_phones(
    workshop_floor, live_server, open_page, language, tmp_path
):
    base = live_server.url
    advisor, owner = workshop_floor["advisor"], workshop_floor["owner"]
    booking, service = workshop_floor["booking"], workshop_floor["service"]
    for user in (advisor, owner):
        user.language = language
        user.save(update_fields=["language"])
    ref = booking.reference
    front = _photo(tmp_path / "front.jpg", (30, 60, 160))
    finding = _photo(tmp_path / "disc.jpg", (160, 40, 30))

    # The advisor, on a phone: check-in from the board, then the inspection.
    desk = open_page(language, viewport=PHONE)
    staff_sign_in(desk, base, "walk-advisor", "SH-WALK-01")
    card = _card(desk, "confirmed", ref)
    card.locator("input[name=odometer_km]").fill("20450")
    card.get_by_role("button", name=t(language, "Check in")).click()
    expect(_card(desk, "checked_in", ref)).to_be_visible()
    _inspect(desk, language, ref, front)
    inspection = Inspection.objects.get(booking=booking)
    assert (inspection.odometer_km, inspection.state_of_charge) == (20480, 64)
    assert inspection.views.get(angle="front").photo is not None

    # An urgent repair with its photo, sent: the owner's message carries the signed link.
    line = _propose_and_send(desk, language, ref, finding)
    assert (line.grade, line.state, line.photos.count()) == ("urgent", "proposed", 1)
    assert line.parts_price == Decimal("600.00")
    message = Notification.objects.filter(booking=booking, kind=Notification.Kind.ESTIMATE).first()
    assert message is not None
    link = message.context["link"]
    assert link.startswith(f"{base}/estimate/")

    # The board says it waits for the owner.
    desk.get_by_role("link", name=t(language, "Back to the board")).click()
    waiting = tn(language, "%(n)s awaiting the owner", 1)
    expect(_card(desk, "checked_in", ref).locator(".estimate-card")).to_contain_text(waiting)

    # The owner, on their own phone: their list of bookings, then the booking, says something
    # waits; the link shows the price and the photo, and the approval is recorded.
    phone = open_page(language, viewport=PHONE)
    _sign_in_owner(phone, base, owner.username)
    phone.goto(f"{base}/bookings/")
    waits = tn(language, "%(n)s item of extra work waits for your answer.", 1)
    row = phone.locator(".booking-row", has_text=ref)
    expect(row.locator(".waiting")).to_contain_text(waits)
    check_accessibility(phone)
    row.get_by_role("link", name=t(language, "See and answer")).click()
    expect(phone).to_have_url(f"{base}/bookings/{ref}/")
    expect(phone.locator("#visit-panel .flag")).to_contain_text(waits)
    expect(phone.locator("#visit-panel .step-current")).to_contain_text(
        t(language, "Waiting for your approval")
    )
    check_accessibility(phone)
    _owner_approves(phone, language, link, line)
    line.refresh_from_db()
    assert (line.state, line.decided_by_id) == (EstimateLine.State.APPROVED, owner.pk)
    assert line.hold == EstimateLine.Hold.EXTENDED  # the bay was free: the visit is longer
    phone.goto(f"{base}/bookings/")  # answered: nothing waits any more
    expect(phone.locator(".booking-row", has_text=ref)).to_be_visible()
    expect(phone.locator(".booking-row .waiting")).to_have_count(0)

    # The advisor's open board shows the approval by itself (its poll).
    approved = tn(language, "%(n)s approved", 1)
    expect(_card(desk, "checked_in", ref).locator(".estimate-card")).to_contain_text(
        approved, timeout=LIVE_MS
    )
    check_accessibility(desk)

    _run_the_visit(desk, language, ref, service)
    done = Booking.objects.get(pk=booking.pk)
    assert done.status == Booking.Status.COMPLETED
    line.refresh_from_db()
    assert line.work_completed_at is not None

    # The owner's booking links the settlement: the booked service and the approved repair,
    # each at its price, and the totals.
    phone.goto(f"{base}/bookings/{ref}/")
    expect(phone.locator("#visit-panel .step-current")).to_contain_text(t(language, "Ready"))
    phone.get_by_role("link", name=t(language, "Settlement sheet (printable)")).click()
    phone.wait_for_url(re.compile(rf"/bookings/{ref}/settlement/$"))
    booked = done.booking_services.get()
    rows = phone.locator(".settlement-table tbody tr")
    expect(rows).to_have_count(2)
    with translation.override(language):
        service_name = local_name(service)
    expect(rows.nth(0)).to_contain_text(service_name)
    expect(rows.nth(0).locator(".num")).to_have_text(money(booked.price, line.currency))
    expect(rows.nth(1)).to_contain_text("Cracked brake disc, front left")
    expect(rows.nth(1)).to_contain_text(t(language, "extra work you approved"))
    expect(rows.nth(1).locator(".num")).to_have_text(money(line.price, line.currency))
    total = phone.locator(".settlement-table tfoot tr.total .num")
    expect(total).to_have_text(money(booked.price + line.price, line.currency))
    parts = phone.locator(".settlement-table tfoot tr").nth(1).locator(".num")
    expect(parts).to_have_text(money(line.parts_price, line.currency))
    check_accessibility(phone)
    _wide_enough(phone)
    assert desk.csp_violations == []
    assert phone.csp_violations == []
