"""Bookings count in their outlet's version (outlets.versions): made, moved, cancelled, bay
released, deleted; and a booking the exclusion constraint refuses leaves it as it was."""

import datetime as dt

import pytest
from django.db import transaction

from bookings.lifecycle.status import booking_cancel
from bookings.models import Booking
from bookings.reservation import reserve_bay
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import SlotTaken
from outlets.versions import outlet_versions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("versions_counted_at_once")]


def version(outlet) -> int:
    return outlet_versions([outlet.pk])[outlet.pk]


def test_a_booking_made_counts_at_its_outlet_only(world):
    before, elsewhere = version(world.outlet), version(world.other_outlet)

    BookingFactory(outlet=world.outlet, bay=world.bays[0], vehicle=world.vehicle)

    assert version(world.outlet) == before + 1
    assert version(world.other_outlet) == elsewhere


def test_a_booking_cancelled_counts(world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], vehicle=world.vehicle)
    before = version(world.outlet)

    booking_cancel(booking=booking, actor=world.owner, reason="plans changed")

    assert version(world.outlet) > before


def test_bookings_deleted_count(world):
    BookingFactory(outlet=world.outlet, bay=world.bays[0], vehicle=world.vehicle)
    before = version(world.outlet)

    Booking.objects.filter(outlet=world.outlet).delete()

    assert version(world.outlet) == before + 1


def test_a_booking_the_constraint_refuses_leaves_the_version(world):
    start = world.start(10)
    for bay in world.bays:
        BookingFactory(outlet=world.outlet, bay=bay, start=start, end=start + dt.timedelta(hours=1))
    before = version(world.outlet)

    with pytest.raises(SlotTaken):
        reserve_bay(
            booking=Booking(
                owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, start=start
            ),
            services=[world.service],
        )

    assert version(world.outlet) == before


@pytest.mark.django_db(transaction=True)
def test_a_committed_booking_counts_at_commit_without_help(world):
    """No SET CONSTRAINTS here: the deferred trigger runs when the booking's transaction
    commits, as in production."""
    before = version(world.outlet)

    with transaction.atomic():
        BookingFactory(outlet=world.outlet, bay=world.bays[0], vehicle=world.vehicle)
        assert version(world.outlet) == before  # not yet: at commit

    assert version(world.outlet) == before + 1
