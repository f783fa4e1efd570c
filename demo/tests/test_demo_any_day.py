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
from conftest import load_reference_data
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def the_audit_seeded_at(instant: str) -> dict:
    """Seed the demo at that instant and read the alliance's view of the last quarter; nothing
    of it stays in the database."""
    with time_machine.travel(instant, tick=False), transaction.atomic():
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
        transaction.set_rollback(True)
    for body in read.values():  # the dates themselves differ, of course
        del body["date_from"], body["date_to"]
    return read


def test_the_same_figures_and_flags_on_any_day():
    quarter_end = the_audit_seeded_at("2027-03-31T20:00:00+00:00")
    midsummer = the_audit_seeded_at("2027-07-15T12:00:00+00:00")

    assert quarter_end["equity"]["flags"], "the designed difference at Nanshan is flagged"
    assert quarter_end["outlets"]["rows"]
    assert quarter_end == midsummer
