"""Starts need a crew as well as a bay at an outlet that plans crews (DESIGN.md "Workshop
capacity"): the engine offers only what a qualified crew on shift can work, and the reservation
gives the booking that crew, or refuses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from accounts.tests.factories import UserFactory
from bookings.availability.engine import free_starts
from bookings.crews import crew_warnings
from bookings.extension import extend_booking
from bookings.lifecycle.status import booking_start
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking
from bookings.reservation import move_booking
from bookings.tests.crew_world import crew_world, reserve, technician
from bookings.tests.factories import BookingFactory
from crews.models import Absence, Shift, Technician
from crews.rules import Problem
from crews.services import technician_update
from hima_service.exceptions import CrewUnavailable, SlotTaken
from outlets.models import Capability
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import VehicleFactory, valid_vin

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI)  # a Monday morning
DAY = dt.date(2027, 3, 2)  # Tuesday
BOTH = (Capability.GENERAL, Capability.EV_BATTERY)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def hours_of(world, services, day=DAY, vehicle=None) -> list[str]:
    starts = free_starts(
        outlet=world.outlet,
        services=services,
        date_from=day,
        date_to=day,
        now=NOW,
        vehicle=vehicle,
    )
    return [f"{start:%H:%M}" for start in starts]


@pytest.fixture
def world():
    return crew_world()


def test_an_outlet_planning_crews_with_nobody_on_the_roster_offers_nothing(world):
    assert hours_of(world, [world.general]) == []


def test_general_work_is_offered_while_a_general_technician_is_on_shift(world):
    technician(world.outlet, hours=(dt.time(9), dt.time(12)))
    assert hours_of(world, [world.general]) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_battery_work_needs_a_qualified_technician_and_a_guardian(world):
    technician(world.outlet, skills=BOTH, hv_level=2)
    assert hours_of(world, [world.battery]) == []  # nobody to guard them
    technician(world.outlet, hv_level=2)
    assert hours_of(world, [world.battery])[:2] == ["09:00", "09:30"]


def test_a_guardian_below_hv_level_two_does_not_count(world):
    technician(world.outlet, skills=BOTH, hv_level=3)
    technician(world.outlet, hv_level=1)
    assert hours_of(world, [world.battery]) == []


def test_the_guardian_away_that_day_stops_battery_work_but_not_general_work(world):
    technician(world.outlet, skills=BOTH, hv_level=2)
    technician(world.outlet, hv_level=2, away=(DAY, DAY))
    assert hours_of(world, [world.battery]) == []
    assert hours_of(world, [world.general])[:1] == ["09:00"]
    assert hours_of(world, [world.battery], day=DAY + dt.timedelta(days=1))[:1] == ["09:00"]


def test_a_certificate_counts_until_its_last_day_and_not_after(world):
    technician(world.outlet, skills=BOTH, hv_level=2, hv_valid_until=DAY)
    technician(world.outlet, hv_level=2)
    assert hours_of(world, [world.battery])[:1] == ["09:00"]
    assert hours_of(world, [world.battery], day=DAY + dt.timedelta(days=1)) == []


def test_the_lead_must_be_authorized_for_the_cars_brand(world):
    car = VehicleFactory()
    other_brands = {
        b: dt.date(2030, 1, 1) for b in type(car.model.brand).objects.exclude(pk=car.model.brand_id)
    }
    technician(world.outlet, brands=other_brands)
    assert hours_of(world, [world.general], vehicle=car) == []
    technician(world.outlet, brands={car.model.brand: DAY})
    assert hours_of(world, [world.general], vehicle=car)[:1] == ["09:00"]
    assert hours_of(world, [world.general], day=DAY + dt.timedelta(days=1), vehicle=car) == []


def test_the_shift_must_cover_the_whole_visit(world):
    technician(world.outlet, skills=BOTH, hv_level=2, hours=(dt.time(9), dt.time(13)))
    technician(world.outlet, hv_level=2, hours=(dt.time(10), dt.time(18)))
    # Battery work lasts two hours: both must be on shift from start to end.
    assert hours_of(world, [world.battery]) == ["10:00", "10:30", "11:00"]


def test_a_technician_held_by_another_booking_is_busy_then(world):
    lead = technician(world.outlet, hours=(dt.time(9), dt.time(12)))
    BookingFactory(
        outlet=world.outlet,
        bay=world.outlet.bays.get(name="gen"),
        start=at(10),
        crew=[lead.pk],
        services=[world.general],
    )
    assert hours_of(world, [world.general]) == ["09:00", "11:00"]


def test_the_reservation_gives_the_booking_a_qualified_crew_lead_first(world):
    lead = technician(world.outlet, skills=BOTH, hv_level=2)
    guardian = technician(world.outlet, hv_level=2)
    booking = reserve(world, [world.battery], at(10))
    booking.refresh_from_db()
    assert booking.crew == [lead.pk, guardian.pk]
    assert booking.bay.name in {"hv1", "hv2"}


def test_a_second_booking_at_that_time_is_refused_for_want_of_a_crew_not_a_bay(world):
    technician(world.outlet, skills=BOTH, hv_level=2)
    technician(world.outlet, hv_level=2)
    reserve(world, [world.battery], at(10))
    with pytest.raises(CrewUnavailable):
        reserve(world, [world.battery], at(11))
    assert Booking.objects.count() == 1


def test_the_narrowest_qualification_is_proposed_first(world):
    specialist = technician(world.outlet, skills=BOTH, hv_level=3)
    generalist = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    assert booking.crew == [generalist.pk]
    assert specialist.pk not in booking.crew


def test_a_move_keeps_the_crew_when_it_is_free_then_and_frees_the_old_time(world):
    first = technician(world.outlet)
    technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    assert booking.crew == [first.pk]
    with transaction.atomic():
        move_booking(booking=Booking.objects.select_for_update().get(pk=booking.pk), start=at(14))
    booking.refresh_from_db()
    assert (booking.start, booking.crew) == (at(14), [first.pk])
    assert hours_of(world, [world.general]).count("10:00") == 1


def test_a_move_to_a_time_without_a_crew_leaves_the_booking_as_it_was(world):
    technician(world.outlet, hours=(dt.time(9), dt.time(12)))
    booking = reserve(world, [world.general], at(10))
    with transaction.atomic(), pytest.raises(CrewUnavailable):
        move_booking(booking=Booking.objects.select_for_update().get(pk=booking.pk), start=at(14))
    booking.refresh_from_db()
    assert booking.start == at(10)


def test_a_cancelled_booking_frees_its_crew(world):
    technician(world.outlet, hours=(dt.time(9), dt.time(12)))
    booking = reserve(world, [world.general], at(10))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert "10:00" in hours_of(world, [world.general])


def test_an_outlet_planned_by_bays_alone_gives_no_crew(world):
    world.outlet.plans_crews = False
    world.outlet.save(update_fields=["plans_crews"])
    booking = reserve(world, [world.general], at(10))
    assert booking.crew == []


def test_staff_start_the_car_with_another_free_crew(world, time_machine):
    first = technician(world.outlet)
    second = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    assert booking.crew == [first.pk]
    time_machine.move_to(at(10, 5))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CHECKED_IN)
    started = booking_start(booking=booking, actor=UserFactory(), crew=[second.pk])
    started.refresh_from_db()
    assert (started.status, started.crew) == (Booking.Status.IN_SERVICE, [second.pk])


def test_a_crew_that_is_busy_or_unqualified_is_refused_by_name(world, time_machine):
    first = technician(world.outlet)
    busy = technician(world.outlet)
    BookingFactory(
        outlet=world.outlet,
        bay=world.outlet.bays.get(name="hv2"),
        start=at(10),
        crew=[busy.pk],
        services=[world.general],
    )
    booking = reserve(world, [world.general], at(10))
    assert booking.crew == [first.pk]
    time_machine.move_to(at(10, 5))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CHECKED_IN)
    with pytest.raises(CrewUnavailable) as refused:
        booking_start(booking=booking, actor=UserFactory(), crew=[busy.pk])
    assert "crew" in refused.value.fields
    booking.refresh_from_db()
    assert (booking.status, booking.crew) == (Booking.Status.CHECKED_IN, [first.pk])


def test_a_certificate_lapsing_after_booking_flags_the_booking_not_cancels_it(world):
    lead = technician(world.outlet, skills=BOTH, hv_level=2)
    technician(world.outlet, hv_level=2)
    booking = reserve(world, [world.battery], at(10))
    Technician.objects.filter(pk=lead.pk).update(hv_valid_until=DAY - dt.timedelta(days=1))
    loaded = Booking.objects.select_related("outlet", "vehicle__model").get(pk=booking.pk)
    warnings = crew_warnings([loaded])
    assert [(w.member_id, w.problem) for w in warnings[booking.pk]] == [
        (lead.pk, Problem.HV_LAPSED)
    ]
    assert loaded.status == Booking.Status.CONFIRMED


def test_a_crew_still_qualified_raises_no_warning(world):
    technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    loaded = Booking.objects.select_related("outlet", "vehicle__model").get(pk=booking.pk)
    assert crew_warnings([loaded]) == {}


def _warned(booking: Booking) -> list[tuple[int, Problem]]:
    loaded = Booking.objects.select_related("outlet", "vehicle__model").get(pk=booking.pk)
    return [(w.member_id, w.problem) for w in crew_warnings([loaded]).get(booking.pk, [])]


@pytest.mark.parametrize(
    "shifts",
    [
        [],  # every shift taken away
        [{"weekday": DAY.weekday(), "starts": dt.time(9), "ends": dt.time(10, 30)}],  # shortened
        [{"weekday": DAY.weekday() + 1, "starts": dt.time(9), "ends": dt.time(18)}],  # moved
    ],
    ids=["removed", "shortened", "another-day"],
)
def test_a_shift_taken_away_after_booking_flags_the_booking_not_cancels_it(world, shifts):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))  # 10:00–11:00
    assert booking.crew == [lead.pk]

    technician_update(technician=lead, outlet=world.outlet, shifts=shifts)

    assert _warned(booking) == [(lead.pk, Problem.OFF_SHIFT)]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_guardian_off_shift_flags_the_booking_too(world):
    technician(world.outlet, skills=BOTH, hv_level=2)
    guardian = technician(world.outlet, hv_level=2)
    booking = reserve(world, [world.battery], at(10))
    assert booking.crew[1] == guardian.pk

    Shift.objects.filter(technician=guardian).update(starts=dt.time(11))

    assert _warned(booking) == [(guardian.pk, Problem.OFF_SHIFT)]


def test_a_shift_at_another_outlet_does_not_keep_the_crew_on_shift_here(world):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    Shift.objects.filter(technician=lead).update(outlet=OutletFactory())

    assert _warned(booking) == [(lead.pk, Problem.OFF_SHIFT)]


def test_someone_away_that_day_is_flagged_away_alone(world):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    Absence.objects.create(technician=lead, first_day=DAY, last_day=DAY)

    assert _warned(booking) == [(lead.pk, Problem.AWAY)]


def walk_in(world, number: int) -> Booking:
    return walk_in_register(
        outlet=world.outlet,
        actor=UserFactory(),
        vin=valid_vin(number, wmi="LVV"),
        model_code="luxeed-r7",
        service_codes=[world.general.code],
    )


def test_a_walk_in_takes_a_free_crew_and_waits_when_none_is_free(world, time_machine):
    time_machine.move_to(at(10))
    only = technician(world.outlet)
    first = walk_in(world, 701)
    assert (first.bay is not None, first.crew) == (True, [only.pk])
    second = walk_in(world, 702)
    assert (second.bay, second.crew, second.status) == (None, [], Booking.Status.CHECKED_IN)


def test_an_early_start_takes_the_crew_from_now(world, time_machine):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(11))
    time_machine.move_to(at(10), tick=False)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CHECKED_IN)
    started = booking_start(booking=booking, actor=UserFactory())
    assert (started.start, started.crew) == (at(10), [lead.pk])
    assert started.promised_start == at(11)


def extend(booking, minutes):
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        return extend_booking(booking=locked, minutes=minutes)


def test_extending_a_visit_holds_its_bay_and_crew_longer(world):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    extended = extend(booking, 45)
    assert (extended.end, extended.crew) == (at(11, 45), [lead.pk])
    assert "11:00" not in hours_of(world, [world.general])


def test_an_extension_into_the_crews_next_job_is_refused_and_changes_nothing(world):
    lead = technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    BookingFactory(
        outlet=world.outlet,
        bay=world.outlet.bays.get(name="hv2"),
        start=at(11),
        crew=[lead.pk],
        services=[world.general],
    )
    with pytest.raises(CrewUnavailable):
        extend(booking, 30)
    booking.refresh_from_db()
    assert booking.end == at(11)


def test_an_extension_into_the_bays_next_booking_is_refused(world):
    technician(world.outlet)
    technician(world.outlet)
    booking = reserve(world, [world.general], at(10))
    BookingFactory(outlet=world.outlet, bay=booking.bay, start=at(11), services=[world.general])
    with pytest.raises(SlotTaken):
        extend(booking, 30)
