"""Two rules of the status table that the database keeps too (bookings migration 0015): a status
is one of the statuses, and only a booking whose work began has a service start. The audit's
reads of the bookings still to come stand on them (audit.values_sql)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Booking
from bookings.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

S = Booking.Status


def refused(booking: Booking, **fields) -> str:
    """The constraint that refuses writing `fields` on the booking, or "" when none does."""
    try:
        with transaction.atomic():
            Booking.objects.filter(pk=booking.pk).update(**fields)
    except IntegrityError as error:
        return error.__cause__.diag.constraint_name
    return ""


def test_a_status_outside_the_statuses_is_refused():
    booking = BookingFactory()

    assert refused(booking, status="lost") == "booking_status_known"
    assert refused(booking, status=S.NO_SHOW) == ""


@pytest.mark.parametrize("status", [S.CONFIRMED, S.CHECKED_IN, S.CANCELLED, S.NO_SHOW])
def test_a_service_start_on_a_booking_whose_work_never_began_is_refused(status):
    booking = BookingFactory(status=status)

    assert refused(booking, started_at=timezone.now()) == "booking_started_once_begun"


@pytest.mark.parametrize("status", [S.IN_SERVICE, S.READY, S.COMPLETED])
def test_a_booking_whose_work_began_may_have_its_start(status):
    booking = BookingFactory()

    assert refused(booking, status=status, started_at=timezone.now()) == ""
    # …and a completed one from before starts were recorded may have none.
    assert refused(booking, started_at=None) == ""
