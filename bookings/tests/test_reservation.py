"""The reservation core: best-fit bay choice, the database's refusal, moves in place."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bookings import reservation
from bookings.models import Booking, BookingService
from bookings.references import ALPHABET, new_reference
from bookings.reservation import move_booking, reserve_bay
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import SlotTaken, VehicleBusy
from outlets.catalog import booking_duration
from outlets.models import Capability
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2027, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = DAY, tz=SHANGHAI) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60, capability=Capability.GENERAL)


@pytest.fixture
def outlet(oil):
    return OutletFactory(services=[oil], turnover_minutes=15)


def draft(outlet, start, vehicle=None, **fields) -> Booking:
    vehicle = vehicle or VehicleFactory()
    return Booking(
        owner=vehicle.owner, vehicle=vehicle, outlet=outlet, start=start, notes="", **fields
    )


def reserve(outlet, start, services, vehicle=None, **fields) -> Booking:
    """As the booking service does it: reserve, then add the service lines."""
    with transaction.atomic():
        booking = reserve_bay(booking=draft(outlet, start, vehicle, **fields), services=services)
        BookingService.objects.bulk_create(
            BookingService(
                booking=booking, service_type=s, labour_minutes=s.labour_minutes, price=s.price
            )
            for s in services
        )
        return booking


def test_reference_is_hs_and_six_unambiguous_characters():
    references = {new_reference() for _ in range(500)}

    assert len(references) == 500
    assert all(re.fullmatch(rf"HS-[{ALPHABET}]{{6}}", ref) for ref in references)
    assert not set("01IO") & set(ALPHABET)


def test_duration_is_the_sum_of_labour_minutes():
    services = [ServiceTypeFactory(labour_minutes=45), ServiceTypeFactory(labour_minutes=30)]

    assert booking_duration(services) == dt.timedelta(minutes=75)


def test_reserve_sets_times_reference_and_the_least_capable_bay(outlet, oil):
    BayFactory(outlet=outlet, name="A-all", capabilities=["general", "ev_battery", "tyre"])
    plain = BayFactory(outlet=outlet, name="Z-plain", capabilities=["general"])
    BayFactory(outlet=outlet, name="B-two", capabilities=["general", "tyre"])
    check = ServiceTypeFactory(code="t-check", labour_minutes=30)

    booking = reserve(outlet, at(10), [oil, check])

    booking.refresh_from_db()
    assert booking.bay == plain
    assert booking.start == at(10)
    assert booking.end == at(11, 30)
    assert booking.bay_released_at == at(11, 45)  # + 15 min turnover
    assert re.fullmatch(r"HS-[A-Z2-9]{6}", booking.reference)


def test_an_explicit_reference_is_kept(outlet, oil):
    BayFactory(outlet=outlet)

    assert reserve(outlet, at(10), [oil], reference="HS-ABCDEF").reference == "HS-ABCDEF"


def test_next_bay_is_taken_when_the_best_fit_is_busy(outlet, oil):
    plain = BayFactory(outlet=outlet, name="plain", capabilities=["general"])
    wide = BayFactory(outlet=outlet, name="wide", capabilities=["general", "tyre"])
    BookingFactory(outlet=outlet, bay=plain, start=at(10, 30))

    assert reserve(outlet, at(10), [oil]).bay == wide
    with pytest.raises(SlotTaken):
        reserve(outlet, at(10), [oil])
    # 11:30 is free on `plain` (its booking ends 11:30, no turnover stored on it).
    assert reserve(outlet, at(11, 30), [oil]).bay == plain


def test_turnover_blocks_the_bay_after_the_end(outlet, oil):
    bay = BayFactory(outlet=outlet)
    reserve(outlet, at(10), [oil])  # bay released 11:15

    with pytest.raises(SlotTaken):
        reserve(outlet, at(11), [oil])
    assert reserve(outlet, at(11, 15), [oil]).bay == bay


def test_the_constraint_decides_even_when_the_precheck_is_fooled(outlet, oil, monkeypatch):
    """Correctness rests on PostgreSQL: with the advisory pre-check blinded, the INSERT is
    refused by booking_no_bay_overlap and the next bay is tried."""

    first = BayFactory(outlet=outlet, name="a")
    second = BayFactory(outlet=outlet, name="b")
    BookingFactory(outlet=outlet, bay=first, start=at(10))
    monkeypatch.setattr(reservation, "bay_candidates", lambda **kw: [first, second])

    assert reserve(outlet, at(10), [oil]).bay == second
    with pytest.raises(SlotTaken):
        reserve(outlet, at(10), [oil])
    assert Booking.objects.filter(bay=second).count() == 1


def test_vehicle_already_booked_elsewhere_is_vehicle_busy(outlet, oil):
    BayFactory(outlet=outlet)
    vehicle = VehicleFactory()
    BookingFactory(vehicle=vehicle, start=at(10, 30))

    with pytest.raises(VehicleBusy):
        reserve(outlet, at(10), [oil], vehicle=vehicle)
    assert Booking.objects.filter(vehicle=vehicle).count() == 1


def test_no_suitable_bay_is_slot_taken_and_writes_nothing(outlet):
    BayFactory(outlet=outlet, capabilities=["general"])
    paint = ServiceTypeFactory(code="t-paint", capability=Capability.BODY_PAINT)

    with pytest.raises(SlotTaken):
        reserve(outlet, at(10), [paint])
    assert not Booking.objects.exists()


def test_duration_is_real_time_across_a_dst_change(oil):
    berlin = ZoneInfo("Europe/Berlin")
    outlet = OutletFactory(time_zone="Europe/Berlin", services=[oil])
    BayFactory(outlet=outlet)

    booking = reserve(outlet, at(1, 30, day=dt.date(2027, 3, 28), tz=berlin), [oil])

    assert booking.end - booking.start == dt.timedelta(hours=1)
    assert booking.end.astimezone(berlin).isoformat() == "2027-03-28T03:30:00+02:00"


def test_move_wins_a_free_time_on_the_same_path(outlet, oil):
    bay = BayFactory(outlet=outlet)
    booking = reserve(outlet, at(10), [oil])

    # Overlapping its own current slot is fine: the row does not conflict with itself.
    with transaction.atomic():
        moved = move_booking(booking=booking, start=at(10, 30))

    assert moved is booking
    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.bay_released_at, booking.bay) == (
        at(10, 30),
        at(11, 30),
        at(11, 45),
        bay,
    )


def test_a_lost_move_leaves_the_row_exactly_as_it_was(outlet, oil):
    bay = BayFactory(outlet=outlet)
    booking = reserve(outlet, at(10), [oil])
    BookingFactory(outlet=outlet, bay=bay, start=at(14))
    before = Booking.objects.filter(pk=booking.pk).values().get()

    with pytest.raises(SlotTaken), transaction.atomic():
        move_booking(booking=booking, start=at(14))

    assert Booking.objects.filter(pk=booking.pk).values().get() == before


def test_move_to_a_given_bay_is_refused_by_the_constraint_when_busy(outlet, oil):
    mine = BayFactory(outlet=outlet, name="a")
    other = BayFactory(outlet=outlet, name="b")
    booking = reserve(outlet, at(10), [oil])
    assert booking.bay == mine
    BookingFactory(outlet=outlet, bay=other, start=at(10, 30))

    with pytest.raises(SlotTaken), transaction.atomic():
        move_booking(booking=booking, start=at(10), bay=other)
    booking.refresh_from_db()
    assert booking.bay == mine

    with transaction.atomic():
        move_booking(booking=booking, start=at(12), bay=other)
    booking.refresh_from_db()
    assert (booking.bay, booking.start) == (other, at(12))


def test_move_into_the_vehicles_other_booking_is_vehicle_busy(outlet, oil):
    BayFactory(outlet=outlet)
    vehicle = VehicleFactory()
    booking = reserve(outlet, at(10), [oil], vehicle=vehicle)
    BookingFactory(vehicle=vehicle, start=at(15))

    with pytest.raises(VehicleBusy), transaction.atomic():
        move_booking(booking=booking, start=at(15))
    booking.refresh_from_db()
    assert booking.start == at(10)


def test_move_keeps_the_booked_labour_time_and_checks_a_given_bay(outlet, oil):
    BayFactory(outlet=outlet, name="a")
    paint_only = BayFactory(outlet=outlet, name="paint", capabilities=["body_paint"])
    booking = reserve(outlet, at(10), [oil])
    oil.labour_minutes = 120  # the catalog changes later; the booking keeps its 60 minutes
    oil.save()

    with transaction.atomic():
        move_booking(booking=booking, start=at(13))
    assert booking.end - booking.start == dt.timedelta(minutes=60)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        move_booking(booking=booking, start=at(14), bay=paint_only)
    assert list(error.value.message_dict) == ["bay"]
