"""The demo's recall campaigns: one each for AITO and Luxeed, some cars already fixed at an
outlet, the demo owners' cars waiting for their notice, owner.li's M9 free for the live flow;
seeding again changes nothing."""

import pytest

from bookings.models import Booking
from demo.seed import seed_demo
from recalls.models import AffectedVehicle, RecallCampaign
from recalls.selectors import campaign_outlet_progress, campaign_progress

pytestmark = pytest.mark.django_db

State = AffectedVehicle.State


def test_two_brands_campaigns_with_history_and_seeding_twice_changes_nothing(demo_network):
    snapshot = list(AffectedVehicle.objects.order_by("pk").values_list("pk", "state", "outlet"))

    campaigns = {c.code: c for c in RecallCampaign.objects.select_related("brand")}
    assert {c.brand.code for c in campaigns.values()} == {"AITO", "LUXEED"}
    for campaign in campaigns.values():
        progress = campaign_progress(campaign_id=campaign.pk)
        assert progress.affected >= 5
        assert 0 < progress.completed < progress.affected
        assert campaign_outlet_progress(campaign)
        done = campaign.affected_vehicles.filter(state=State.DONE)
        bookings = Booking.objects.filter(reference__in=done.values("booking_reference"))
        assert bookings.count() == done.count()
        assert set(bookings.values_list("status", flat=True)) == {"completed"}
        assert all(
            b.booking_services.get().price == 0 and b.vehicle.model.brand == campaign.brand
            for b in bookings
        )
    # The demo owners' affected cars wait for the scan; owner.li's M9 is in no campaign.
    owners = AffectedVehicle.objects.filter(vehicle__owner__username__startswith="owner.")
    assert set(owners.values_list("state", flat=True)) == {State.AFFECTED}
    assert not AffectedVehicle.objects.filter(vehicle__owner__username="owner.li").exists()

    seed_demo()
    assert (
        list(AffectedVehicle.objects.order_by("pk").values_list("pk", "state", "outlet"))
        == snapshot
    )
