"""The estimate rules at the service layer: prices frozen from the price book, the signed link
and its refusals, one answer per line, the visit's hold, work only on approved lines, expiry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.lifecycle.status import booking_transition
from bookings.models import Booking, Notification
from bookings.notify.render import notification_render
from bookings.tests.crew_world import technician
from bookings.tests.factories import BookingFactory
from estimates import links, services
from estimates.errors import AlreadyDecided, ExtraWorkUnfinished, LinkExpired, NotApproved
from estimates.models import EstimateLine
from estimates.settlement import settlement_read
from estimates.tasks import expire_unanswered
from hima_service.exceptions import Conflict, NotFound, RuleViolation
from outlets.models import Bay, Capability, ServiceType
from outlets.tests.factories import BayFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db
State = EstimateLine.State


def test_a_repair_is_priced_at_the_standard_labour_rate_plus_its_parts(visit):
    line = visit.repair(
        labour_minutes=90,
        parts=[services.PartInput(name="Pad", quantity=Decimal("2"), unit_price=Decimal("150.50"))],
    )
    # The book's CNY labour rate is 280 an hour: 90 minutes are 420.
    assert (line.currency, line.labour_rate, line.labour_price) == ("CNY", 280, Decimal("420.00"))
    assert (line.parts_price, line.price) == (Decimal("301.00"), Decimal("721.00"))
    assert line.state == State.PROPOSED


def test_a_parts_own_total_is_rounded_as_the_lines_parts_price_is(visit):
    """The sheet prints each part's total beside the line's parts price, their sum."""
    line = visit.repair(
        labour_minutes=0,
        parts=[
            services.PartInput(name="Clip", quantity=Decimal("1.50"), unit_price=Decimal("0.75"))
        ],
    )
    assert line.parts.get().total == line.parts_price == Decimal("1.13")  # 1.125, half up


def test_a_line_dearer_than_its_price_can_hold_is_refused_and_nothing_is_written(visit):
    dear = services.PartInput(name="Pack", quantity=Decimal("99999.99"), unit_price=Decimal("9999"))
    with pytest.raises(RuleViolation) as refused:
        visit.repair(parts=[dear])
    assert "parts" in refused.value.fields
    assert not EstimateLine.objects.exists()


def test_a_catalog_service_takes_its_standard_price_and_time(visit):
    service = ServiceTypeFactory(code="cabin-filter", labour_minutes=20, price=Decimal("188"))
    visit.booking.outlet.services.add(service)
    line = services.estimate_line_add(
        booking=visit.booking, actor=visit.advisor, grade="advisory", service_type=service
    )
    assert (line.kind, line.labour_minutes, line.price) == ("service", 20, Decimal("188"))


def test_extra_work_is_proposed_only_while_the_car_is_in_the_workshop(visit):
    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.CONFIRMED)
    with pytest.raises(Conflict):
        visit.repair()


def test_sending_tells_the_owner_with_a_link_for_them_alone(visit):
    visit.repair()
    token = visit.send()
    notes = Notification.objects.filter(booking=visit.booking, kind=Notification.Kind.ESTIMATE)
    assert notes.count() == 2  # SMS and e-mail
    note = notes.first()
    assert note.context["link"].endswith(f"/estimate/{token}/")
    assert token in notification_render(note).body
    grant = links.link_grant(token)
    assert (grant.reference, grant.owner_id) == (visit.booking.reference, visit.owner.pk)


def test_the_message_reads_in_chinese_for_a_chinese_owner(visit):
    visit.owner.language = "zh-hans"
    visit.owner.save()
    visit.repair()
    token = visit.send()
    note = Notification.objects.filter(kind=Notification.Kind.ESTIMATE).first()
    message = notification_render(note)
    assert "待您确认" in message.subject
    assert token in message.body


def test_sending_twice_sends_only_new_lines(visit):
    visit.repair()
    visit.send()
    with pytest.raises(Exception, match="no new line"):
        visit.send()


def test_opening_the_link_records_viewed(visit):
    line = visit.repair()
    token = visit.send()
    sending = services.estimate_open(token=token, user=visit.owner)
    line.refresh_from_db()
    assert line.state == State.VIEWED
    assert line.viewed_at is not None
    assert sending.viewed_at is not None


def test_the_link_is_not_found_for_another_owner(visit):
    visit.repair()
    token = visit.send()
    with pytest.raises(NotFound):
        services.estimate_open(token=token, user=visit.stranger)


def test_a_tampered_link_is_not_found(visit):
    visit.repair()
    token = visit.send()
    forged = signing.dumps({"r": visit.booking.reference, "o": visit.owner.pk, "s": 1}, salt="x")
    for bad in (token[:-2] + ("A" if token[-1] != "A" else "B") * 2, forged, "nonsense"):
        with pytest.raises(NotFound):
            services.estimate_open(token=bad, user=visit.owner)


def test_after_48_hours_the_link_is_refused_and_the_lines_expire(visit):
    line = visit.repair()
    token = visit.send()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=48, minutes=1)):
        with pytest.raises(LinkExpired):
            services.estimate_open(token=token, user=visit.owner)
        with pytest.raises(LinkExpired):
            services.estimate_decide(line=line, actor=visit.owner, approve=True)
        assert services.estimates_expire() == 1
        assert services.estimates_expire() == 0  # harmless twice
    line.refresh_from_db()
    assert line.state == State.EXPIRED


def test_a_line_left_open_runs_out_when_the_car_leaves_the_workshop(visit):
    """Once the car is ready the visit's sheet is settled: an approval two days later must not
    charge for work nobody did."""
    line = visit.repair()
    token = visit.send()
    for status in ["in_service", "ready", "completed"]:
        booking_transition(booking=visit.refresh(), to=status, actor=visit.advisor)
    total = settlement_read(booking=visit.refresh()).total
    with pytest.raises(LinkExpired):
        services.estimate_decide(line=line, actor=visit.owner, approve=True)
    services.estimate_open(token=token, user=visit.owner)  # the page: no buttons left
    line.refresh_from_db()
    assert line.state == State.EXPIRED
    assert settlement_read(booking=visit.refresh()).total == total


def test_a_decided_line_stays_decided(visit):
    line = visit.repair()
    visit.send()
    services.estimate_decide(line=line, actor=visit.owner, approve=False)
    for approve in (True, False):  # a replayed link, either button
        with pytest.raises(AlreadyDecided):
            services.estimate_decide(line=line, actor=visit.owner, approve=approve)
    line.refresh_from_db()
    assert line.state == State.DECLINED
    assert line.decided_by == visit.owner


def test_only_the_owner_decides(visit):
    line = visit.repair()
    visit.send()
    with pytest.raises(NotFound):
        services.estimate_decide(line=line, actor=visit.advisor, approve=True)


def test_an_unsent_line_cannot_be_decided(visit):
    line = visit.repair()
    with pytest.raises(Conflict):
        services.estimate_decide(line=line, actor=visit.owner, approve=True)


def test_an_approved_line_adds_its_time_to_the_visit(visit):
    line = visit.repair(labour_minutes=45)
    visit.send()
    end = visit.booking.end
    line = services.estimate_decide(line=line, actor=visit.owner, approve=True)
    assert line.hold == EstimateLine.Hold.EXTENDED
    booking = visit.refresh()
    assert booking.end == end + dt.timedelta(minutes=45)
    assert booking.bay_released_at == end + dt.timedelta(minutes=45)


def test_when_the_bay_is_busy_the_approval_stands_and_staff_choose(visit):
    booked_next = BookingFactory(
        outlet=visit.booking.outlet,
        bay=visit.booking.bay,
        start=visit.booking.end,
        end=visit.booking.end + dt.timedelta(hours=1),
        bay_released_at=visit.booking.end + dt.timedelta(hours=1),
    )
    line = visit.repair(labour_minutes=30)
    visit.send()
    end = visit.booking.end
    line = services.estimate_decide(line=line, actor=visit.owner, approve=True)
    assert line.state == State.APPROVED
    assert line.hold == EstimateLine.Hold.REFUSED
    assert "bay is booked for another car" in line.hold_note
    assert visit.refresh().end == end  # the hold unchanged
    # Staff move the next car, then try again: now the time is added.
    Booking.objects.filter(pk=booked_next.pk).update(status=Booking.Status.CANCELLED)
    line = services.estimate_line_extend(line=line, actor=visit.advisor)
    assert line.hold == EstimateLine.Hold.EXTENDED
    assert visit.refresh().end == end + dt.timedelta(minutes=30)


def test_work_waits_for_the_owners_approval(visit):
    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.IN_SERVICE)
    line = visit.repair()
    with pytest.raises(NotApproved):
        services.estimate_work(line=line, actor=visit.advisor, done=False)
    visit.send()
    services.estimate_decide(line=line, actor=visit.owner, approve=True)
    with pytest.raises(Conflict):
        services.estimate_work(line=line, actor=visit.advisor, done=True)  # not started
    services.estimate_work(line=line, actor=visit.advisor, done=False)
    line = services.estimate_work(line=line, actor=visit.advisor, done=True)
    assert line.work_started_at
    assert line.work_completed_at


def test_declined_work_cannot_start(visit):
    Booking.objects.filter(pk=visit.booking.pk).update(status=Booking.Status.IN_SERVICE)
    line = visit.repair()
    visit.send()
    services.estimate_decide(line=line, actor=visit.owner, approve=False)
    with pytest.raises(NotApproved):
        services.estimate_work(line=line, actor=visit.advisor, done=False)


def test_the_database_refuses_work_on_an_unapproved_line(visit):
    line = visit.repair()
    with pytest.raises(IntegrityError), transaction.atomic():
        EstimateLine.objects.filter(pk=line.pk).update(work_started_at=timezone.now())


def test_the_database_refuses_a_price_that_does_not_add_up(visit):
    line = visit.repair()
    with pytest.raises(IntegrityError), transaction.atomic():
        EstimateLine.objects.filter(pk=line.pk).update(price=Decimal("1"))


def test_the_beat_scan_runs_out_every_overdue_line(visit):
    visit.repair()
    visit.send()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=48, minutes=1)):
        assert expire_unanswered() == 1
    assert EstimateLine.objects.get().state == State.EXPIRED


def _in_service_with_approved_repair(visit) -> EstimateLine:
    line = visit.repair()
    visit.send()
    services.estimate_decide(line=line, actor=visit.owner, approve=True)
    booking_transition(booking=visit.booking, to=Booking.Status.IN_SERVICE, actor=visit.advisor)
    return line


def _full_checklist(booking: Booking) -> dict[str, list[str]]:
    return {
        line.service_type.code: list(line.service_type.checklist)
        for line in booking.booking_services.select_related("service_type")
    }


def test_the_car_is_not_ready_while_approved_extra_work_is_not_completed(visit):
    line = _in_service_with_approved_repair(visit)
    checklist = _full_checklist(visit.booking)
    for step in ("nothing done", "started only"):
        with pytest.raises(ExtraWorkUnfinished) as refused:
            services.visit_ready(booking=visit.booking, actor=visit.advisor, checklist=checklist)
        assert "Replace front brake pads" in refused.value.detail, step
        assert visit.refresh().status == Booking.Status.IN_SERVICE
        if step == "nothing done":
            services.estimate_work(line=line, actor=visit.advisor, done=False)
    services.estimate_work(line=line, actor=visit.advisor, done=True)
    ready = services.visit_ready(booking=visit.booking, actor=visit.advisor, checklist=checklist)
    assert ready.status == Booking.Status.READY


def test_approved_work_waits_for_a_later_visit_only_with_a_reason_the_history_keeps(visit):
    # A part not in stock: the owner's approval stands, but the car goes home without it.
    _in_service_with_approved_repair(visit)
    checklist = _full_checklist(visit.booking)
    with pytest.raises(ExtraWorkUnfinished) as refused:
        services.visit_ready(
            booking=visit.booking, actor=visit.advisor, checklist=checklist, defer_reason="  "
        )
    assert refused.value.fields == {
        "defer_reason": ["Why the approved work waits for a later visit."]
    }

    ready = services.visit_ready(
        booking=visit.booking,
        actor=visit.advisor,
        checklist=checklist,
        defer_reason=" Pads not in stock ",
    )

    assert ready.status == Booking.Status.READY
    event = visit.booking.events.get(to_status=Booking.Status.READY)
    assert event.details["extra_work_deferred"] == ["Replace front brake pads"]
    assert event.details["reason"] == "Pads not in stock"


def test_declined_and_unanswered_lines_do_not_keep_the_car_from_being_ready(visit):
    declined = visit.repair(description="Wiper blades", labour_minutes=10, parts=[])
    visit.send()
    services.estimate_decide(line=declined, actor=visit.owner, approve=False)
    visit.repair(description="Cabin filter", labour_minutes=10, parts=[])  # never sent
    booking_transition(booking=visit.booking, to=Booking.Status.IN_SERVICE, actor=visit.advisor)
    checklist = _full_checklist(visit.booking)
    ready = services.visit_ready(booking=visit.booking, actor=visit.advisor, checklist=checklist)
    assert ready.status == Booking.Status.READY


def _battery_check(visit) -> ServiceType:
    """HV battery work the outlet offers, on an ev_battery bay it has: not the car's bay."""
    battery = ServiceTypeFactory(
        code="hv-battery-check",
        labour_minutes=60,
        capability=Capability.EV_BATTERY,
        skill=Capability.EV_BATTERY,
        min_hv_level=2,
        crew_size=2,
    )
    visit.booking.outlet.services.add(battery)
    BayFactory(outlet=visit.booking.outlet, capabilities=[Capability.EV_BATTERY])
    return battery


def _add(visit, service: ServiceType) -> EstimateLine:
    return services.estimate_line_add(
        booking=visit.booking, actor=visit.advisor, grade="urgent", service_type=service
    )


def test_a_catalog_line_the_outlet_does_not_offer_is_refused(visit):
    elsewhere = ServiceTypeFactory(code="paint-correction", labour_minutes=90)
    with pytest.raises(ValidationError) as refused:
        _add(visit, elsewhere)
    assert "does not offer" in refused.value.message_dict["service"][0]
    assert not EstimateLine.objects.exists()


def test_a_catalog_line_the_cars_bay_cannot_do_is_refused(visit):
    battery = _battery_check(visit)
    assert visit.booking.bay.capabilities == [Capability.GENERAL]
    with pytest.raises(ValidationError) as refused:
        _add(visit, battery)
    assert "lacks" in refused.value.message_dict["service"][0]
    assert not EstimateLine.objects.exists()
    # On a bay that can do it, the same work is proposed.
    Bay.objects.filter(pk=visit.booking.bay_id).update(
        capabilities=[Capability.GENERAL, Capability.EV_BATTERY]
    )
    assert _add(visit, battery).kind == EstimateLine.Kind.SERVICE


@pytest.mark.parametrize(
    ("crew", "hold"),
    [
        (["general"], EstimateLine.Hold.REFUSED),  # no battery skill, no HV level
        (["hv lead"], EstimateLine.Hold.REFUSED),  # battery work needs a guardian too
        (["hv lead", "hv guardian"], EstimateLine.Hold.EXTENDED),
    ],
)
def test_an_approved_catalog_line_is_held_only_on_a_crew_that_may_do_it(visit, crew, hold):
    battery = _battery_check(visit)
    Bay.objects.filter(pk=visit.booking.bay_id).update(
        capabilities=[Capability.GENERAL, Capability.EV_BATTERY]
    )
    outlet = visit.booking.outlet
    people = {
        "general": lambda: technician(outlet),
        "hv lead": lambda: technician(
            outlet, skills=(Capability.GENERAL, Capability.EV_BATTERY), hv_level=2
        ),
        "hv guardian": lambda: technician(outlet, hv_level=2),
    }
    Booking.objects.filter(pk=visit.booking.pk).update(crew=[people[who]().pk for who in crew])
    end = visit.refresh().end
    line = _add(visit, battery)
    visit.send()
    line = services.estimate_decide(line=line, actor=visit.owner, approve=True)
    assert (line.state, line.hold) == (State.APPROVED, hold)
    if hold == EstimateLine.Hold.REFUSED:
        assert "crew" in line.hold_note
        assert visit.refresh().end == end  # no time held for work this crew may not do
    else:
        assert visit.refresh().end == end + dt.timedelta(minutes=60)
