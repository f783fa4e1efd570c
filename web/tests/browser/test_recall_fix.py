"""An owner told of a recall books its fix from where the notice sends them, in a real browser,
in each language: My vehicles links the open recall to the outlets that do its fix for this car,
and the time picker opens with the fix chosen; a booked fix is not offered again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import brand

from .conftest import PHONE, check_accessibility
from .test_find_and_pick import t
from .test_owner_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_open_recall_leads_to_a_time_for_its_fix(shop, live_server, open_page, language):
    shop.owner.language = language
    shop.owner.save()
    campaign = RecallCampaignFactory(code="AITO-FIX-01", brand=brand("AITO"))
    fix = campaign.service_type
    shop.outlet.services.add(fix)
    AffectedVehicleFactory(vehicle=shop.vehicle, campaign=campaign, state="notified")
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)  # lands on My vehicles

    recall = page.locator(".recalls li", has_text=campaign.code)
    recall.get_by_role("link", name=t(language, "Book the free fix")).click()

    # The search: this car, the fix, and the outlet that does it with its soonest start.
    page.wait_for_url(re.compile(r"/outlets/\?"))
    expect(page.locator("select[name=vehicle]")).to_have_value(str(shop.vehicle.pk))
    expect(page.locator(f"input[type=checkbox][value='{fix.code}']")).to_be_checked()
    card = page.locator(
        "article.outlet-card", has=page.locator(f"a[href='/outlets/{shop.outlet.code}/']")
    )
    expect(card.locator(".soonest")).to_be_visible()
    check_accessibility(page)

    card.locator("footer a").click()
    page.wait_for_url(re.compile(rf"/outlets/{shop.outlet.code}/book/\?"))
    expect(page.locator(f"input[type=checkbox][value='{fix.code}']")).to_be_checked()
    expect(page.locator("select[name=vehicle]")).to_have_value(str(shop.vehicle.pk))
    expect(page.locator("#free-times input[name=start]").first).to_be_visible()
    assert page.csp_violations == []


def test_a_booked_fix_shows_its_state_and_no_link(shop, live_server, open_page):
    campaign = RecallCampaignFactory(code="AITO-FIX-02", brand=brand("AITO"))
    AffectedVehicleFactory(
        vehicle=shop.vehicle, campaign=campaign, state="booked", outlet=shop.outlet
    )
    page = open_page("en")
    sign_in(page, live_server.url, shop.owner.username)

    recall = page.locator(".recalls li", has_text=campaign.code)
    expect(recall).to_contain_text("booked")
    expect(recall.get_by_role("link")).to_have_count(0)
