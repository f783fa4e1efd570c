"""Recall notices through the outbox: one per affected vehicle, campaign and channel, in the
owner's language, sent even to owners who opted out of reminders (a channel still needs an
address); one follow-up 30 days later to owners who have not booked. Exactly once, also with a
real worker and the scan run again and again."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.tests.factories import UserFactory
from bookings.models import Notification, NotificationDelivery
from bookings.notify.delivery import notification_deliver
from bookings.notify.recalls import recall_notices_record
from hima_service.celery import app as celery_app
from hima_service.testing import celery_queue, start_worker, stop_worker, wait_until
from outlets.tests.factories import OutletFactory
from recalls.models import AffectedVehicle
from recalls.services import NOTICE_SCAN_TASK
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import VehicleFactory, brand, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
State = AffectedVehicle.State


def affected(owner=None, campaign=None, **owner_fields):
    owner = owner or UserFactory(**owner_fields)
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))
    return AffectedVehicleFactory(vehicle=vehicle, campaign=campaign or RecallCampaignFactory())


def notices(**filters):
    return Notification.objects.filter(kind=Kind.RECALL_NOTICE, **filters)


def test_one_notice_per_vehicle_campaign_and_channel_and_a_second_scan_records_nothing():
    row = affected()
    campaign = row.campaign

    assert recall_notices_record() == 2
    assert recall_notices_record() == 0

    keys = set(notices().values_list("key", flat=True))
    assert keys == {
        f"vehicle:{row.vehicle_id}:recall_notice:{campaign.code}:sms",
        f"vehicle:{row.vehicle_id}:recall_notice:{campaign.code}:email",
    }
    row.refresh_from_db()
    assert row.state == State.NOTIFIED
    assert row.notified_at is not None
    assert all(n.vehicle_id == row.vehicle_id for n in notices())


def test_a_listed_vin_reaches_only_a_car_of_the_campaigns_brand():
    """AITO lists a VIN not yet on the platform; a Luxeed owner then registers a car with that
    VIN. The campaign must not reach them (a safety notice ignores opt-outs), nor tell AITO's
    admins that the car was registered."""
    aito = RecallCampaignFactory(brand=brand("AITO"))
    listed = AffectedVehicleFactory(campaign=aito, vehicle=None, vin=valid_vin(4242))
    luxeed_car = VehicleFactory(vin=listed.vin, model=vehicle_model("luxeed-s7"))
    recall_notices_record()
    listed.refresh_from_db()
    assert (listed.vehicle_id, listed.state) == (None, State.AFFECTED)
    assert not notices(recipient=luxeed_car.owner).exists()


def test_a_notice_is_never_written_for_another_brands_car_however_it_was_linked():
    aito = RecallCampaignFactory(brand=brand("AITO"))
    mislinked = AffectedVehicleFactory(
        campaign=aito, vehicle=VehicleFactory(model=vehicle_model("luxeed-s7"))
    )
    recall_notices_record()
    assert not notices(vehicle=mislinked.vehicle).exists()


def test_a_vehicle_in_two_campaigns_hears_of_each():
    owner = UserFactory(email="")
    first = affected(owner=owner)
    AffectedVehicleFactory(vehicle=first.vehicle, campaign=RecallCampaignFactory())

    assert recall_notices_record() == 2
    assert notices(channel="sms").count() == 2


def test_opt_outs_do_not_stop_a_safety_notice_but_a_channel_needs_an_address():
    opted_out = affected(sms_notifications=False, email_notifications=False)
    no_email = affected(email="")
    unreachable = affected(email="", phone="")

    recall_notices_record()

    assert set(notices(vehicle=opted_out.vehicle).values_list("channel", flat=True)) == {
        "sms",
        "email",
    }
    assert list(notices(vehicle=no_email.vehicle).values_list("channel", flat=True)) == ["sms"]
    assert not notices(vehicle=unreachable.vehicle).exists()
    unreachable.refresh_from_db()
    assert unreachable.state == State.AFFECTED  # told once the owner gives an address
    # …and delivery sends them, opted out or not.
    for notification in notices(vehicle=opted_out.vehicle):
        assert notification_deliver(notification_id=notification.pk) == "sent"
    assert NotificationDelivery.objects.count() == 2


def test_unregistered_vins_wait_until_the_car_is_on_the_platform():
    campaign = RecallCampaignFactory()
    vin = valid_vin(4242, "LVV")
    AffectedVehicle.objects.create(campaign=campaign, vin=vin, source="list")

    assert recall_notices_record() == 0
    VehicleFactory(vin=vin, model=vehicle_model("luxeed-r7"))
    assert recall_notices_record() == 2


@pytest.mark.parametrize(
    ("language", "title", "words"),
    [
        ("en", "Rear suspension bolt torque check", "free"),
        ("zh-hans", "后悬架螺栓扭矩检查", "免费"),
    ],
)
def test_the_notice_is_in_the_owner_s_language(language, title, words):
    row = affected(language=language)
    recall_notices_record()
    sms = notices(channel="sms").get()

    assert notification_deliver(notification_id=sms.pk) == "sent"

    delivery = NotificationDelivery.objects.get()
    assert delivery.language == language
    assert title in delivery.subject
    assert row.campaign.code in delivery.body
    assert words in delivery.body
    description = row.campaign.description_en if language == "en" else row.campaign.description_zh
    assert description in delivery.body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_notice_leads_to_the_page_that_books_the_fix(language):
    # An owner knows the fix by the words of My vehicles, not by the service's code.
    row = affected(language=language)
    recall_notices_record()
    assert notification_deliver(notification_id=notices(channel="sms").get().pk) == "sent"

    body = NotificationDelivery.objects.get().body
    with translation.override(language):
        assert gettext("My vehicles") in body
        assert gettext("Book the free fix") in body
    assert row.campaign.service_type.code not in body


def test_one_follow_up_after_30_days_to_owners_who_have_not_booked(time_machine):
    waiting = affected(email="")
    booked = affected(email="")
    recall_notices_record()
    AffectedVehicle.objects.filter(pk=booked.pk).update(state=State.BOOKED, outlet=OutletFactory())

    time_machine.move_to(timezone.now() + dt.timedelta(days=29))
    assert recall_notices_record() == 0
    time_machine.move_to(timezone.now() + dt.timedelta(days=2))
    assert recall_notices_record() == 1
    assert recall_notices_record() == 0
    time_machine.move_to(timezone.now() + dt.timedelta(days=60))
    assert recall_notices_record() == 0  # one follow-up, never more

    follow_up = notices(key__contains="follow-up").get()
    assert follow_up.key == (
        f"vehicle:{waiting.vehicle_id}:recall_notice:{waiting.campaign.code}:follow-up:sms"
    )
    assert follow_up.context["follow_up"] is True
    assert notification_deliver(notification_id=follow_up.pk) == "sent"
    assert NotificationDelivery.objects.get().subject.startswith("Reminder:")
    waiting.refresh_from_db()
    assert waiting.follow_up_at is not None
    assert waiting.state == State.NOTIFIED


SMS_LINE = re.compile(r"SMS (vehicle:\d+:recall_notice:\S+) to ")


@pytest.mark.real_clock("a real Celery worker runs in another process, on the machine's clock")
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_notices_go_out_exactly_once_with_a_real_worker_and_repeated_scans(tmp_path):
    # Given a campaign with three affected owners, one of whom turned every reminder off
    campaign = RecallCampaignFactory()
    rows = [affected(campaign=campaign, email="") for _ in range(2)]
    rows.append(affected(campaign=campaign, email="", sms_notifications=False))
    log = tmp_path / "worker.log"

    with celery_queue():
        worker = start_worker(celery_app.conf.task_default_queue, log_path=log)
        try:
            # When the scan is queued by name (as a campaign create does), three times
            for _ in range(3):
                celery_app.send_task(NOTICE_SCAN_TASK)
            # Then every notice is sent: the scan's kick after commit queued their delivery
            sent = NotificationDelivery.objects.filter(notification__kind=Kind.RECALL_NOTICE)
            assert wait_until(lambda: sent.count() == 3, timeout=60), log.read_text()[-3000:]
            # …and a scan run again later records and sends nothing more.
            celery_app.send_task(NOTICE_SCAN_TASK)
            celery_app.send_task("bookings.dispatch_due_notifications")
            assert not wait_until(lambda: sent.count() > 3, timeout=5)
        finally:
            stop_worker(worker)

    assert notices().count() == 3
    assert set(notices().values_list("status", flat=True)) == {"sent"}
    lines = SMS_LINE.findall(log.read_text(errors="replace"))
    assert sorted(lines) == sorted(
        f"vehicle:{row.vehicle_id}:recall_notice:{campaign.code}:sms" for row in rows
    )
    assert set(AffectedVehicle.objects.values_list("state", flat=True)) == {State.NOTIFIED}
