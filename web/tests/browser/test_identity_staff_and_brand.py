"""Identity pages of staff and brand admins in a real browser, in both languages: staff verify
a walk-in's owner by the registration certificate at the counter and then see that owner only
masked; a brand admin uploads delivery records, a bad file refused with each bad line's number
and reason next to the file field, a good one imported."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UnverifiedUserFactory, UserFactory
from bookings.lifecycle.walk_ins import walk_in_register
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from vehicles.models import DeliveryRecord, Vehicle
from vehicles.tests.factories import BrandMembershipFactory, brand, valid_vin

from .conftest import PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def t(language: str, text: str, **values) -> str:
    with translation.override(language):
        message = translation.gettext(text)
    return message % values if values else message


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in/" not in url)


# --- staff: the owner verified at the counter -------------------------------------------------


@pytest.fixture
def counter(db):
    """An outlet open all day with a walk-in of a car new to the platform (so its visit is the
    counter customer's), its advisor, and the car's owner, whose phone is verified."""
    service = ServiceType.objects.get(code="mnt-annual")
    outlet = OutletFactory(
        code="SH-COUNTER-01",
        name="Counter Centre",
        name_zh="柜台中心",
        services=[service],
        hours=[(dt.time(0), dt.time(23, 59))],
    )
    BayFactory(outlet=outlet, name="B1")
    advisor = UserFactory(username="counter-advisor")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=OutletMembership.Role.ADVISOR)
    visit = walk_in_register(
        outlet=outlet,
        actor=advisor,
        vin=valid_vin(8801),
        service_codes=[service.code],
        model_code="aito-m7",
    )
    owner = UserFactory(first_name="Wei", last_name="李", phone="+8613800008000")
    stranger = UnverifiedUserFactory(phone="+8613800008111")
    return {"outlet": outlet, "advisor": advisor, "visit": visit, "owner": owner, "x": stranger}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_verify_an_owner_by_the_registration_certificate(
    counter, live_server, open_page, language
):
    counter["advisor"].language = language
    counter["advisor"].save(update_fields=["language"])
    visit, code = counter["visit"], counter["outlet"].code
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, "counter-advisor")
    page.goto(f"{live_server.url}/staff/{code}/")
    card = page.locator(f"#card-{visit.reference}")
    card.get_by_role(
        "link", name=t(language, "Verify the owner (registration certificate)")
    ).click()
    page.wait_for_url(re.compile(rf"/staff/{code}/verify-owner/\?booking={visit.reference}$"))
    expect(page.locator("#id_booking")).to_have_value(visit.reference)
    check_accessibility(page)

    # A phone nobody verified is refused next to its field, and nothing is recorded.
    page.fill("#id_phone", "138 0000 8111")
    page.click("form[action$='/verify-owner/'] button[type=submit]")
    expect(page.locator("#id_phone_error")).to_be_visible()
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    assert not Vehicle.objects.filter(vin=visit.vehicle.vin, verified_at__isnull=False).exists()
    check_accessibility(page)

    # The owner's verified phone: the car is theirs, and staff learn them only masked.
    page.fill("#id_phone", "138 0000 8000")
    page.click("form[action$='/verify-owner/'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/staff/{code}/$"))
    expected = t(
        language,
        "%(vin)s is verified to %(name)s (%(phone)s).",
        vin=visit.vehicle.vin,
        name="李*",
        phone="138****8000",
    )
    expect(page.locator(".flash")).to_have_text(expected)
    owner_cell = page.locator(f"#card-{visit.reference} .owner-masked")
    expect(owner_cell).to_have_text("李* · 138****8000")
    body = page.locator("body").inner_text()
    assert "Wei" not in body
    assert "13800008000" not in body
    car = Vehicle.objects.get(vin=visit.vehicle.vin, released_at__isnull=True)
    assert (car.owner, car.verified_via) == (counter["owner"], Vehicle.VerifiedVia.COUNTER)
    check_accessibility(page)
    assert page.csp_violations == []


# --- brand admins: delivery records -----------------------------------------------------------

GOOD = "vin,buyer_phone\n{a},13900001111\n{b},+86 139 0000 2222\n"
BAD = "vin,buyer_phone\n{a},13900001111\nNOT-A-VIN,13900003333\n{b},12345\n"


@pytest.fixture
def brand_admin(db):
    return BrandMembershipFactory(user=UserFactory(username="luxeed-admin"), brand=brand("LUXEED"))


def _upload(page: Page, name: str, text: str) -> None:
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.click("form[enctype='multipart/form-data'] button[type=submit]")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_brand_admin_uploads_delivery_records(brand_admin, live_server, open_page, language):
    brand_admin.user.language = language
    brand_admin.user.save(update_fields=["language"])
    vins = {"a": valid_vin(8811, wmi="LVV"), "b": valid_vin(8812, wmi="LVV")}
    page = open_page(language)
    sign_in(page, live_server.url, "luxeed-admin")
    page.goto(f"{live_server.url}/dashboard/delivery-records/")
    expect(page.locator("h1")).to_have_text(t(language, "Delivery records"))
    check_accessibility(page)

    # A bad file: nothing imported, each bad line listed with its number and reason, right
    # after the file field.
    _upload(page, "records.csv", BAD.format(**vins))
    with translation.override(language):
        summary = translation.ngettext(
            "%(count)s line of the file is wrong; nothing was imported.",
            "%(count)s lines of the file are wrong; nothing was imported.",
            2,
        ) % {"count": 2}
    expect(page.locator("#form-errors")).to_have_text(summary)
    lines = page.locator("#field-file + #bad-lines li")
    expect(lines).to_have_count(2)
    line_3 = t(language, "Line %(line)s: %(reason)s", line=3, reason="")
    line_4 = t(language, "Line %(line)s: %(reason)s", line=4, reason="")
    expect(lines.nth(0)).to_contain_text(line_3)
    expect(lines.nth(0)).to_contain_text(t(language, "VIN: %(why)s", why="").strip())
    expect(lines.nth(1)).to_contain_text(line_4)
    expect(lines.nth(1)).to_contain_text(t(language, "phone: %(why)s", why="").strip())
    expect(lines.nth(1)).to_contain_text(
        t(language, "Enter a mobile number, e.g. 13800138000 or +8613800138000.")
    )
    assert not DeliveryRecord.objects.exists()
    check_accessibility(page)

    # A good file: imported, and the page says how many.
    _upload(page, "records.csv", GOOD.format(**vins))
    page.wait_for_url(re.compile(r"/dashboard/delivery-records/$"))
    expect(page.locator(".flash")).to_have_text(
        t(
            language,
            "%(lines)s lines read: %(added)s records added, %(already)s already there.",
            lines=2,
            added=2,
            already=0,
        )
    )
    expect(page.locator("#bad-lines")).to_have_count(0)
    assert set(DeliveryRecord.objects.values_list("vin", "buyer_phone")) == {
        (vins["a"], "+8613900001111"),
        (vins["b"], "+8613900002222"),
    }
    check_accessibility(page)
    assert page.csp_violations == []
