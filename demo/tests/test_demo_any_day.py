"""The demo's history tells the same story whatever day it is seeded: the audit of the period
the dashboard opens on shows the same figures and the same flags, on a quarter's last evening
(Munich still on the 31st while Shanghai is on the 1st) as in the middle of July."""

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit.periods import last_quarter
from bookings.models import Booking
from conftest import load_reference_data
from demo import past as demo_past
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def assert_no_demo_yet() -> None:
    """Seeding is once: inside the package's seeded demo (demo_network, which a test run may
    have open when these tests come), seed_demo would change nothing and the test compare the
    same figures twice."""
    assert not User.objects.filter(username="admin").exists(), "a demo is already seeded"


def the_audit_seeded_at(instant: str) -> dict:
    """Seed the demo at that instant and read the alliance's view of the last quarter; nothing
    of it stays in the database."""
    with time_machine.travel(instant, tick=False), transaction.atomic():
        assert_no_demo_yet()
        load_reference_data()
        seed_demo()
        period = last_quarter(today=timezone.localdate())
        client = APIClient()
        client.force_authenticate(User.objects.get(username="admin"))
        params = {"date_from": period.date_from, "date_to": period.date_to}
        read = {
            path: client.get(f"/api/v1/audit/{path}/", params).json()
            for path in ["outlets", "equity"]
        }
        read["history_references"] = list(
            Booking.objects.filter(owner__username__startswith="history")
            .order_by("id")
            .values_list("reference", flat=True)[:50]
        )
        transaction.set_rollback(True)
    for path in ["outlets", "equity"]:  # the dates themselves differ, of course, and the hour
        del read[path]["date_from"], read[path]["date_to"], read[path]["computed_at"]
    return read


def test_the_same_figures_and_flags_on_any_day():
    quarter_end = the_audit_seeded_at("2027-03-31T20:00:00+00:00")
    midsummer = the_audit_seeded_at("2027-07-15T12:00:00+00:00")

    assert quarter_end["equity"]["flags"], "the designed difference at Nanshan is flagged"
    assert quarter_end["outlets"]["rows"]
    assert quarter_end == midsummer


def test_a_reference_already_taken_changes_no_figure(monkeypatch):
    """The demo's other bookings get random references; when one is a reference the history
    would draw, the history draws another, and nothing else of it changes."""
    instant = "2027-07-15T12:00:00+00:00"
    plain = the_audit_seeded_at(instant)
    colliding = iter(plain["history_references"])
    real = demo_past.new_reference
    monkeypatch.setattr(demo_past, "new_reference", lambda: next(colliding, None) or real())

    colliding_seed = the_audit_seeded_at(instant)

    assert colliding_seed["history_references"] != plain["history_references"]
    del colliding_seed["history_references"], plain["history_references"]
    assert colliding_seed == plain


def test_a_reference_drawn_twice_in_one_batch_is_drawn_again(monkeypatch):
    """The past bookings go in as one bulk insert: a reference drawn twice must not fail the
    seed (it did, on about one seed in three thousand)."""
    drawn_twice = iter(["HS-222222", "HS-222222"])
    real = demo_past.new_reference
    monkeypatch.setattr(demo_past, "new_reference", lambda: next(drawn_twice, None) or real())

    with time_machine.travel("2027-07-15T12:00:00+00:00", tick=False):
        assert_no_demo_yet()
        load_reference_data()
        seed_demo()

    assert Booking.objects.filter(reference="HS-222222").count() == 1
    references = Booking.objects.values_list("reference", flat=True)
    assert len(set(references)) == len(references)
