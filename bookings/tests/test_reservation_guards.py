"""A manager's change racing a reservation: closing the day or retiring the bay while a booking
is being inserted. Whoever commits second sees the other's result; nothing slips through."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from bookings.lifecycle.create import booking_create
from bookings.models import Booking
from bookings.reservation import reserve_bay
from bookings.tests.factories import next_local
from hima_service.exceptions import SlotTaken
from outlets.models import Bay, Closure
from outlets.services import bay_update, closure_create
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory


def draft(outlet, start):
    vehicle = VehicleFactory()
    return Booking(owner=vehicle.owner, vehicle=vehicle, outlet=outlet, start=start)


@pytest.mark.django_db
def test_a_closed_day_is_refused_at_insert_even_past_the_checks():
    outlet = OutletFactory()
    BayFactory(outlet=outlet)
    start = next_local(10, days=3)
    Closure.objects.create(outlet=outlet, date=start.date(), reason="Flood")
    with pytest.raises(ValidationError) as caught:
        reserve_bay(booking=draft(outlet, start), services=[ServiceTypeFactory()])
    assert "start" in caught.value.message_dict
    assert not Booking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_reserving_outside_a_transaction_is_refused_before_any_write():
    # In autocommit its share locks would end with each statement and guard nothing.
    outlet = OutletFactory()
    BayFactory(outlet=outlet)
    with pytest.raises(TransactionManagementError):
        reserve_bay(booking=draft(outlet, next_local(10, days=3)), services=[ServiceTypeFactory()])
    assert not Booking.objects.exists()


@contextmanager
def manager_committing_after_a_second(change: Callable[[], object]) -> Iterator[None]:
    """A manager's transaction on another connection: `change` is made (its row locks held)
    before the block runs, and committed a second later, while the block waits on them."""
    holds_lock, release = threading.Event(), threading.Event()
    errors = []

    def manager():
        try:
            with transaction.atomic():
                change()
                holds_lock.set()
                release.wait(timeout=30)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=manager)
    thread.start()
    assert holds_lock.wait(timeout=30)
    threading.Timer(1.0, release.set).start()
    try:
        yield
    finally:
        thread.join(timeout=30)
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_retiring_the_last_bay_while_a_reservation_waits_leaves_it_no_bay():
    outlet = OutletFactory()
    bay = BayFactory(outlet=outlet)
    service = ServiceTypeFactory()
    booking = draft(outlet, next_local(10, days=3))
    # The reservation finds the bay active when it lists candidates; its share lock waits for
    # the manager (bay row FOR UPDATE), and once the manager commits it sees the bay retired.
    with (
        manager_committing_after_a_second(lambda: bay_update(bay=bay, is_active=False)),
        pytest.raises(SlotTaken),
        transaction.atomic(),
    ):
        reserve_bay(booking=booking, services=[service])
    assert not Bay.objects.get(pk=bay.pk).is_active
    assert not Booking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_closing_the_day_while_a_booking_waits_for_the_outlet_refuses_the_booking():
    """booking_create reads the day's closure with the bay locks, after the outlet's share
    lock (bookings.locks): a manager who holds the outlet while closing the day is seen."""
    service = ServiceTypeFactory()
    vehicle = VehicleFactory()
    outlet = OutletFactory(services=[service])  # every brand, open every day
    BayFactory(outlet=outlet)
    start = next_local(10, days=3)

    def close():
        return closure_create(outlet=outlet, date=start.date(), reason="Flood")

    with (
        manager_committing_after_a_second(close),  # the outlet row FOR UPDATE
        pytest.raises(ValidationError) as refused,
    ):
        booking_create(
            owner=vehicle.owner, vehicle=vehicle, outlet=outlet, services=[service], start=start
        )
    assert "Flood" in refused.value.message_dict["start"][0]
    assert not Booking.objects.exists()
