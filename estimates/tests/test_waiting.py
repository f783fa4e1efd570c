"""What the owner's list of bookings says waits for them: the lines sent and not answered while
their window is open, counted per booking in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bookings.tests.factories import BookingFactory
from estimates import services
from estimates.selectors import waiting_counts

pytestmark = pytest.mark.django_db


def test_only_lines_sent_and_not_answered_wait_for_the_owner(visit, django_assert_num_queries):
    approved = visit.repair()
    visit.repair(description="Replace wiper blades")  # sent, not answered
    visit.send()
    visit.repair(description="Wheel alignment")  # proposed, not sent yet
    services.estimate_decide(line=approved, actor=visit.owner, approve=True)
    elsewhere = BookingFactory(owner=visit.owner)

    with django_assert_num_queries(1):
        waiting = waiting_counts(booking_ids=[visit.booking.pk, elsewhere.pk], now=timezone.now())

    assert waiting == {visit.booking.pk: 1}


def test_a_line_past_its_window_no_longer_waits_before_it_is_marked_expired(visit):
    visit.repair()
    sending, _token = services.estimate_send(booking=visit.booking, actor=visit.advisor)

    assert waiting_counts(
        booking_ids=[visit.booking.pk], now=sending.expires_at - dt.timedelta(minutes=1)
    ) == {visit.booking.pk: 1}
    assert waiting_counts(booking_ids=[visit.booking.pk], now=sending.expires_at) == {}


def test_no_bookings_ask_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert waiting_counts(booking_ids=[], now=timezone.now()) == {}
