"""`manage.py recall_notify`: the notice scan run now, with the campaign's figures."""

import io

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Notification
from recalls.models import AffectedVehicle, RecallCampaign
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import valid_vin

pytestmark = pytest.mark.django_db


def test_the_command_records_the_campaign_s_notices_and_prints_its_figures():
    campaign = RecallCampaignFactory()
    rows = AffectedVehicleFactory.create_batch(3, campaign=campaign)
    AffectedVehicle.objects.create(
        campaign=campaign, vin=valid_vin(1, wmi="LVV"), source=AffectedVehicle.Source.LIST
    )
    out = io.StringIO()

    call_command("recall_notify", campaign.code.lower(), stdout=out)

    assert f"{campaign.code}: 3 vehicles notified now (6 messages queued" in out.getvalue()
    assert "4 affected, 3 on the platform, 3 notified" in out.getvalue()
    assert (
        Notification.objects.filter(
            kind=Notification.Kind.RECALL_NOTICE, vehicle__in=[r.vehicle for r in rows]
        ).count()
        == 6
    )

    again = io.StringIO()
    call_command("recall_notify", campaign.code, stdout=again)
    assert f"{campaign.code}: 0 vehicles notified now (0 messages" in again.getvalue()


def test_the_command_refuses_an_unknown_or_closed_campaign():
    closed = RecallCampaignFactory(status=RecallCampaign.Status.CLOSED)
    with pytest.raises(CommandError, match="No recall campaign NOPE"):
        call_command("recall_notify", "nope")
    with pytest.raises(CommandError, match="is closed"):
        call_command("recall_notify", closed.code)
