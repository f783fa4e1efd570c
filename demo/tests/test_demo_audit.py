"""The demo's quarter of history makes the audit worth reading: real figures everywhere, and
the one outlet where AITO owners are served worse is flagged, for AITO, with enough bookings —
the same figures and flags whatever day the demo is seeded."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit.periods import last_quarter
from bookings.models import Booking
from demo.history import UNEQUAL_OUTLET
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def quarter_params() -> dict:
    """The period the dashboard opens on."""
    period = last_quarter(today=timezone.localdate())
    return {"date_from": period.date_from, "date_to": period.date_to}


@pytest.fixture
def quarter(demo_network):
    return quarter_params()


def as_user(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_the_equity_audit_flags_nanshan_for_aito(quarter):
    body = as_user("brand.aito").get("/api/v1/audit/equity/", quarter).json()

    flags = {(f["outlet"], f["metric"]): f for f in body["flags"]}
    assert {outlet for outlet, _ in flags} == {UNEQUAL_OUTLET}
    on_time = flags[(UNEQUAL_OUTLET, "on_time_rate")]
    assert on_time["brand"] == "AITO"
    assert on_time["n"] >= 20
    assert on_time["n_others"] >= 20
    assert on_time["p_value"] < 0.05
    assert on_time["others_figure"] - on_time["figure"] >= 0.10
    assert (UNEQUAL_OUTLET, "wait_median_minutes") in flags


def test_the_alliance_admin_sees_the_same_flag(quarter):
    body = as_user("admin").get("/api/v1/audit/equity/", quarter).json()
    assert any(
        f["outlet"] == UNEQUAL_OUTLET and f["brand"] == "AITO" and f["metric"] == "on_time_rate"
        for f in body["flags"]
    )


def test_every_demo_outlet_has_real_figures(quarter):
    body = as_user("admin").get("/api/v1/audit/outlets/", quarter).json()
    for row in body["rows"]:
        assert row["bookings"] >= 100, row["outlet"]
        assert 0.8 < row["completion_rate"] < 1
        assert row["wait_median_minutes"] is not None
        assert 0.8 < row["labour_ratio_median"] < 1.3
        assert 0.9 < row["checklist_completion_rate"] <= 1
        assert 3 < row["rating_mean"] < 5
    assert body["total"]["cancelled"] > 0
    assert body["total"]["no_show"] > 0
    assert body["total"]["recall_done"] > 0


def test_the_history_is_written_once(quarter):
    before = Booking.objects.count()
    seed_demo()
    assert Booking.objects.count() == before


def test_every_demo_visit_was_charged_the_price_books_standard(quarter):
    """The history is what booking online would have charged: each outlet's own currency (the
    euro in Munich, not the catalog's yuan) and each model's own price where it has one, so no
    outlet looks as if it charged off the standard."""
    body = as_user("admin").get("/api/v1/audit/outlets/", quarter).json()
    for row in body["rows"]:
        assert row["priced"] > 0, row["outlet"]
        assert row["off_standard"] == 0, row["outlet"]
        assert row["charged_to_standard_ratio"] == pytest.approx(1.0), row["outlet"]
    munich = next(row for row in body["rows"] if row["outlet"] == "DE-MUNICH-01")
    assert munich["currency"] == "EUR"
