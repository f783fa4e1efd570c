"""The manager's desk-and-crews form, in a real browser, on a phone and a desktop: the crews
switch is a checkbox inside its own label, on the label's line, and nothing is drawn over its
help text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory

from .conftest import PHONE, check_accessibility
from .test_find_and_pick import t
from .test_staff_board import staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize(("language", "viewport"), [("zh-hans", PHONE), ("en", None)])
def test_the_crews_switch_sits_in_its_label_clear_of_its_help(
    live_server, open_page, language, viewport
):
    outlet = OutletFactory(code="SH-CAP-01", name="Capacity Centre")
    manager = UserFactory(username="cap-mgr", language=language)
    OutletMembershipFactory(user=manager, outlet=outlet, role=OutletMembership.Role.MANAGER)

    page = open_page(language, viewport=viewport)
    staff_sign_in(page, live_server.url, "cap-mgr", "SH-CAP-01")
    page.goto(f"{live_server.url}/staff/SH-CAP-01/manage/capacity/")

    switch = page.get_by_label(t(language, "Plan starts by crews as well as bays"))
    expect(switch).to_have_attribute("type", "checkbox")
    field = page.locator("#field-plans_crews")
    box = switch.bounding_box()
    label = field.locator("label").bounding_box()
    help_text = field.locator("small").bounding_box()
    assert _overlap(box, label)  # inside its label, on its line
    assert not _overlap(box, help_text)
    check_accessibility(page)

    switch.check()
    # The form posts back to its own address: wait for that answer, not for the address.
    with page.expect_navigation():
        page.locator("#capacity-form button[type=submit]").click()
    expect(page.get_by_label(t(language, "Plan starts by crews as well as bays"))).to_be_checked()
    outlet.refresh_from_db()
    assert outlet.plans_crews
