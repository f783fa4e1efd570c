"""The notice scan at scale: batches walk the campaign in id order past rows with no one to tell,
and the rows PostgreSQL writes carry the keys and the campaign's facts the texts need."""

import pytest

from accounts.tests.factories import UserFactory
from bookings.models import Notification
from bookings.notify.recalls import recall_notices_record
from recalls.models import AffectedVehicle
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model

pytestmark = pytest.mark.django_db


def affected(campaign, **owner_fields):
    vehicle = VehicleFactory(owner=UserFactory(**owner_fields), model=vehicle_model("luxeed-s7"))
    return AffectedVehicleFactory(vehicle=vehicle, campaign=campaign)


def test_one_run_goes_past_whole_batches_of_owners_with_no_address():
    campaign = RecallCampaignFactory()
    first = affected(campaign)
    unreachable = [affected(campaign, email="", phone="") for _ in range(3)]
    later = [affected(campaign, email=""), affected(campaign)]

    assert recall_notices_record(batch=2) == 2 + 1 + 2

    states = dict(AffectedVehicle.objects.values_list("pk", "state"))
    assert {states[row.pk] for row in [first, *later]} == {AffectedVehicle.State.NOTIFIED}
    assert {states[row.pk] for row in unreachable} == {AffectedVehicle.State.AFFECTED}


def test_a_notice_row_holds_its_key_channel_owner_and_the_campaign_s_facts():
    campaign = RecallCampaignFactory()
    row = affected(campaign, phone="")

    recall_notices_record()

    notice = Notification.objects.get()
    service = campaign.service_type
    assert notice.key == f"vehicle:{row.vehicle_id}:recall_notice:{campaign.code}:email"
    assert (notice.kind, notice.channel, notice.status) == ("recall_notice", "email", "pending")
    assert (notice.recipient_id, notice.vehicle_id, notice.booking_id) == (
        row.vehicle.owner_id,
        row.vehicle_id,
        None,
    )
    assert notice.attempts == 0
    assert notice.context == {
        "title_zh": campaign.title_zh,
        "title_en": campaign.title_en,
        "description_zh": campaign.description_zh,
        "description_en": campaign.description_en,
        "service": service.code,
        "service_name_en": service.name,
        "service_name_zh": service.name_zh or service.name,
        "campaign": campaign.code,
        "follow_up": False,
    }
