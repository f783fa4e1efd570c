"""The settlement sheet of a completed visit, the owner's timeline, and declined work offered
again at the car's next visit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking, BookingService
from bookings.tests.factories import BookingFactory, next_local
from estimates import services
from estimates.selectors import estimate_suggestions
from estimates.settlement import settlement_read, timeline_read
from hima_service.exceptions import Conflict
from outlets.models import ServiceType
from outlets.tests.factories import ServiceTypeFactory
from workshop.models import Inspection

pytestmark = pytest.mark.django_db


def _set(booking: Booking, **fields) -> None:
    Booking.objects.filter(pk=booking.pk).update(**fields)
    booking.refresh_from_db()


def _work(visit, line) -> None:
    """The approved line's work started and completed (the car in service)."""
    services.estimate_work(line=line, actor=visit.advisor, done=False)
    services.estimate_work(line=line, actor=visit.advisor, done=True)


def test_the_sheet_lists_booked_services_and_approved_lines_with_a_recall_at_zero(visit):
    recall = ServiceTypeFactory(code="recall-fix", category=ServiceType.Category.RECALL)
    BookingService.objects.create(
        booking=visit.booking, service_type=recall, labour_minutes=30, price=Decimal("0")
    )
    approved = visit.repair(labour_minutes=60)  # 280 labour + 420 parts
    declined = visit.repair(description="Wiper blades", labour_minutes=10, parts=[])
    visit.send()
    services.estimate_decide(line=approved, actor=visit.owner, approve=True)
    services.estimate_decide(line=declined, actor=visit.owner, approve=False)
    with pytest.raises(Conflict):
        settlement_read(booking=visit.booking)  # not completed yet
    _set(visit.booking, status=Booking.Status.IN_SERVICE)
    _work(visit, approved)
    _set(visit.booking, status=Booking.Status.COMPLETED, completed_at=next_local(12, days=0))
    sheet = settlement_read(booking=visit.booking)
    names = [(i.kind, i.service.code if i.service else i.description) for i in sheet.items]
    assert names == [
        ("booked", "annual-check"),
        ("booked", "recall-fix"),
        ("extra", "Replace front brake pads"),
    ]
    assert [i.price for i in sheet.items] == [Decimal("399"), Decimal("0"), Decimal("700")]
    assert sheet.items[1].is_recall
    assert (sheet.labour_minutes, sheet.parts_total) == (120 + 30 + 60, Decimal("420"))
    assert sheet.labour_total == Decimal("399") + Decimal("280")
    assert sheet.total == Decimal("1099")
    assert sheet.currency == "CNY"


def test_the_sheet_charges_only_approved_work_that_was_done(visit):
    done = visit.repair()
    never_done = visit.repair(description="Wiper blades", labour_minutes=10, parts=[])
    visit.send()
    for line in (done, never_done):
        services.estimate_decide(line=line, actor=visit.owner, approve=True)
    _set(visit.booking, status=Booking.Status.IN_SERVICE)
    _work(visit, done)
    # Closed without the ready action, which waits for every approved line's work (a visit
    # closed before that rule, or by a staff tool): the owner pays only for the work done.
    _set(visit.booking, status=Booking.Status.COMPLETED, completed_at=next_local(12, days=0))
    sheet = settlement_read(booking=visit.booking)
    assert [item.description for item in sheet.items if item.kind == "extra"] == [done.description]


def _steps(booking) -> dict[str, tuple[bool, bool]]:
    return {step.key: (step.done, step.current) for step in timeline_read(booking=booking)}


def test_the_timeline_follows_the_visit(visit):
    assert _steps(visit.booking)["checked_in"] == (False, True)
    Inspection.objects.create(booking=visit.booking, odometer_km=20000, state_of_charge=80)
    assert _steps(visit.booking)["inspected"] == (False, True)
    line = visit.repair()
    visit.send()
    steps = _steps(visit.booking)
    assert steps["waiting"] == (False, True)
    assert steps["inspected"] == (True, False)
    services.estimate_decide(line=line, actor=visit.owner, approve=True)
    _set(visit.booking, status=Booking.Status.IN_SERVICE, started_at=next_local(10, days=0))
    steps = _steps(visit.booking)
    assert steps["waiting"] == (True, False)
    assert steps["in_work"] == (False, True)
    _set(visit.booking, status=Booking.Status.READY, ready_at=next_local(11, days=0))
    assert _steps(visit.booking)["ready"] == (False, True)


def test_declined_work_is_offered_again_at_the_cars_next_visit(visit):
    wipers = visit.repair(description="Wiper blades", labour_minutes=10, parts=[])
    pads = visit.repair()
    visit.send()
    services.estimate_decide(line=wipers, actor=visit.owner, approve=False)
    services.estimate_decide(line=pads, actor=visit.owner, approve=True)
    _set(visit.booking, status=Booking.Status.IN_SERVICE)
    _work(visit, pads)
    next_visit = BookingFactory(
        vehicle=visit.booking.vehicle, start=next_local(10, days=14), outlet=visit.booking.outlet
    )
    suggested = estimate_suggestions(vehicle=visit.booking.vehicle, before=next_visit)
    assert [line.description for line in suggested] == ["Wiper blades"]
    # Another car's history is not this one's.
    other = BookingFactory(start=next_local(10, days=14) + dt.timedelta(hours=1))
    assert estimate_suggestions(vehicle=other.vehicle, before=other) == []


def test_approved_work_left_for_a_later_visit_is_offered_again_and_not_charged(visit):
    pads = visit.repair()
    visit.send()
    services.estimate_decide(line=pads, actor=visit.owner, approve=True)
    _set(visit.booking, status=Booking.Status.IN_SERVICE)
    checklist = {
        line.service_type.code: list(line.service_type.checklist)
        for line in visit.booking.booking_services.select_related("service_type")
    }
    services.visit_ready(
        booking=visit.booking, actor=visit.advisor, checklist=checklist, defer_reason="No pads"
    )
    _set(visit.booking, status=Booking.Status.COMPLETED)

    assert [item.kind for item in settlement_read(booking=visit.booking).items] == ["booked"]
    next_visit = BookingFactory(
        vehicle=visit.booking.vehicle, start=next_local(10, days=14), outlet=visit.booking.outlet
    )
    suggested = estimate_suggestions(vehicle=visit.booking.vehicle, before=next_visit)
    assert [line.pk for line in suggested] == [pads.pk]
