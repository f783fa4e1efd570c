"""A manager keeps a technician on a phone: sees the certificate about to lapse, gives them a
Tuesday shift and an absence, and the list shows both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from crews.models import HvLevel
from crews.tests.factories import TechnicianFactory
from outlets.models import OutletMembership
from outlets.selectors import outlet_local_today
from outlets.tests.factories import OutletFactory, OutletMembershipFactory

from .conftest import PHONE, check_accessibility
from .test_staff_board import staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_gives_a_shift_and_an_absence_on_a_phone(live_server, open_page):
    outlet = OutletFactory(code="SH-TECH-01", name="Technicians Centre")
    manager = UserFactory(username="tech-mgr")
    OutletMembershipFactory(user=manager, outlet=outlet, role=OutletMembership.Role.MANAGER)
    today = outlet_local_today(outlet=outlet)
    technician = TechnicianFactory(
        user=UserFactory(username="wang.fang", first_name="Fang", last_name="Wang"),
        hv_level=HvLevel.QUALIFIED,
        hv_valid_until=today + dt.timedelta(days=12),
        outlet=outlet,
        outlet__shifts=False,
    )
    away = today + dt.timedelta(days=9)

    page = open_page("en", viewport=PHONE)
    staff_sign_in(page, live_server.url, "tech-mgr", "SH-TECH-01")
    page.get_by_role("link", name="Technicians").click()
    page.wait_for_url(re.compile(r"/staff/SH-TECH-01/manage/technicians/$"))
    expect(page.locator("#lapsing-warning")).to_be_visible()
    card = page.locator(f"#technician-{technician.pk}")
    expect(card.locator(".flag-lapsing", has_text="lapses in 12 days")).to_be_visible()
    check_accessibility(page)

    card.get_by_role("button", name="Edit Fang Wang").click()
    page.get_by_label("Tuesday").fill("08:00-12:00, 13:00-17:00")
    page.locator("#technician-form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("The technician is saved.")

    page.get_by_label("First day").fill(away.isoformat())
    page.get_by_label("Last day").fill(away.isoformat())
    page.get_by_label("Reason (optional)").fill("Training in Shenzhen")
    page.locator("#absence-form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("The absence is recorded.")
    expect(page.locator("#absences")).to_contain_text(f"{away:%Y-%m-%d}")
    check_accessibility(page)
    # Nothing wider than the phone: the page scrolls down, never sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="All technicians").click()
    expect(card).to_contain_text("Tuesday 08:00–12:00, 13:00–17:00")
    expect(card).to_contain_text("Training in Shenzhen")
    shifts = [(s.weekday, s.starts) for s in technician.shifts.order_by("starts")]
    assert shifts == [(1, dt.time(8)), (1, dt.time(13))]
    assert page.csp_violations == []
