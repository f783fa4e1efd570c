"""Extra work and the standard price, exact on a constructed October worked out by hand below:
offers per visit, acceptance, time to approval, value per visit, charged against standard,
the bookings behind them, the CSV's columns and the dashboard's."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from bookings.models import Booking, BookingService
from outlets.tests.factories import OutletFactory
from pricing.tests.factories import ServicePriceFactory
from vehicles.tests.factories import vehicle_model

from .extra_work import Line, propose, send
from .factories import Visit, local, recall_service, standard_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

S = Booking.Status
A = "approved"
SH = "Asia/Shanghai"
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
URL = "/api/v1/audit/outlets/"


def d(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return local(SH, f"2026-10-{day:02d}", hour, minute)


def charge(booking: Booking, price: str, *, booked_on: int) -> None:
    """The booking's standard service as charged, and the day it was booked (the price
    book's day for it)."""
    BookingService.objects.filter(booking=booking, service_type__code="audit-check").update(
        price=Decimal(price)
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=d(booked_on, 9))


@pytest.fixture
def october(history):
    """AITO at Pudong: 5 visits (4 completed, 1 in service today), a no-show, a booking ahead.

    The price book for the standard service (audit-check), CNY:
      all models 380 from 1 January, 400 from 1 September, 999 from 1 November (not yet);
      the AITO M7 420 from 10 October; 50 EUR from 1 January (another currency).
    """
    std, rcl = standard_service(), recall_service()
    ServicePriceFactory(service_type=std, price=Decimal("380"), valid_from=dt.date(2026, 1, 1))
    ServicePriceFactory(service_type=std, price=Decimal("400"), valid_from=dt.date(2026, 9, 1))
    ServicePriceFactory(service_type=std, price=Decimal("999"), valid_from=dt.date(2026, 11, 1))
    ServicePriceFactory(
        service_type=std,
        model=vehicle_model("aito-m7"),
        price=Decimal("420"),
        valid_from=dt.date(2026, 10, 10),
    )
    ServicePriceFactory(service_type=std, currency="EUR", price=Decimal("50"))
    pudong = OutletFactory(code="SH-PUDONG-01", time_zone=SH)
    v1, v2, v3, v4, v5, _no_show, _ahead = history.write(
        pudong,
        [
            Visit("AITO", d(2)),
            Visit("AITO", d(3)),
            Visit("AITO", d(4), services=[std, rcl]),
            Visit("AITO", d(5)),
            Visit("AITO", d(20, 9), status=S.IN_SERVICE),
            Visit("AITO", d(6), status=S.NO_SHOW, wait=None),
            Visit("AITO", d(25), status=S.CONFIRMED, wait=None),
        ],
    )
    # v1: two lines sent at 10:30; one approved after 10 min (300.00), one declined.
    send(v1, d(2, 10, 30), [Line(A, "300.00", 10), Line("declined", "90.00", 30)])
    # v2: approved after 30 min (150.50); one expired by the scan; one viewed whose 48 h ran
    # out before now (the scan has not run yet): both count as answered, neither approved.
    send(v2, d(3, 10), [Line(A, "150.50", 30), Line("expired"), Line("viewed")])
    # v3: approved after 60 min (49.50); another line proposed but never sent: not offered.
    send(v3, d(4, 10), [Line(A, "49.50", 60)])
    propose(v3, d(4, 11))
    # v5, in service now: a line sent this morning and viewed, its window still open.
    send(v5, d(20, 9, 30), [Line("viewed", "200.00")])
    # Charged, and the day booked: the standard that day for an AITO M7.
    charge(v1, "400.00", booked_on=1)  # 1 Oct: all models 400 (M7's not yet): on standard
    charge(v2, "400.00", booked_on=12)  # 12 Oct: the M7's 420: 20 under
    charge(v3, "420.00", booked_on=12)  # 420: on standard (its recall line at 0 left out)
    charge(v4, "450.00", booked_on=12)  # 30 over
    return {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5}


def _pudong(as_, who="aito_admin", **params):
    response = as_(who).get(URL, {**PERIOD, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    return {row["outlet"]: row for row in body["rows"]}["SH-PUDONG-01"], body["total"]


def test_extra_work_figures_are_exact(october, as_):
    row, _ = _pudong(as_)
    figures = {key: row[key] for key in row if key.startswith("extra_") or key == "visits"}
    assert figures == {
        # checked in, in service, ready or completed: v1–v5 (not the no-show, nor the 25th)
        "visits": 5,
        # sent: 2 + 3 + 1 + 1 = 7 (v3's unsent line is not an offer)
        "extra_lines_sent": 7,
        "extra_offers_per_visit": 1.4,  # 7 / 5
        "extra_offered": 4,  # v1, v2, v3, v5
        "extra_offered_rate": 0.8,  # 4 / 5
        # answered or run out: v1's 2, v2's 3, v3's 1 (v5's is still open)
        "extra_lines_decided": 6,
        "extra_lines_approved": 3,
        "extra_acceptance_rate": 0.5,  # 3 / 6
        "extra_approval_median_minutes": 30.0,  # 10, 30, 60
        "extra_value_approved": 500.0,  # 300.00 + 150.50 + 49.50
        "extra_value_per_visit": 100.0,  # 500 / 5
    }
    assert row["currency"] == "CNY"


def test_charged_against_the_standard_of_the_day_booked(october, as_):
    row, _ = _pudong(as_)
    # standards: 400 (1 Oct), 420, 420, 420 (12 Oct, the M7's row over the all-models one)
    assert row["priced"] == 4
    assert row["standard_total"] == 1660.0
    assert row["charged_total"] == 1670.0  # 400 + 400 + 420 + 450
    assert row["charged_to_standard_ratio"] == 1.006  # 1670 / 1660 = 1.00602
    assert row["off_standard"] == 2  # v2 under, v4 over


def test_the_network_total_adds_money_in_one_currency_only(october, history, as_):
    munich = OutletFactory(code="DE-MUNICH-01", time_zone="Europe/Berlin", currency="EUR")
    (visit,) = history.write(munich, [Visit("AITO", local("Europe/Berlin", "2026-10-12", 9))])
    send(visit, local("Europe/Berlin", "2026-10-12", 9, 30), [Line(A, "40.00", 20)])
    rows, total = _pudong(as_)
    assert total["visits"] == 6
    assert total["extra_lines_sent"] == 8
    assert total["extra_approval_median_minutes"] == 25.0  # 10, 20, 30, 60
    # CNY and EUR are not added up
    assert total["currency"] is None
    assert total["extra_value_approved"] is None
    assert total["extra_value_per_visit"] is None
    assert rows["extra_value_per_visit"] == 100.0


def test_a_view_without_extra_work_has_no_rate_to_show(history, as_):
    OutletFactory(code="SH-PUDONG-01", time_zone=SH)
    row, _ = _pudong(as_)
    assert row["visits"] == 0
    assert row["extra_offers_per_visit"] is None
    assert row["extra_acceptance_rate"] is None
    assert row["extra_approval_median_minutes"] is None
    assert row["charged_to_standard_ratio"] is None


@pytest.mark.parametrize(
    ("metric", "behind"),
    [
        ("visited", ["v1", "v2", "v3", "v4", "v5"]),
        ("extra_offered", ["v1", "v2", "v3", "v5"]),
        ("extra_approved", ["v1", "v2", "v3"]),
        ("priced", ["v1", "v2", "v3", "v4"]),
        ("off_standard", ["v2", "v4"]),
    ],
)
def test_the_bookings_behind_each_figure(october, as_, metric, behind):
    response = as_("aito_admin").get(
        "/api/v1/audit/outlets/SH-PUDONG-01/bookings/", {**PERIOD, "metric": metric}
    )
    assert response.status_code == 200, response.content
    listed = [b["reference"] for b in response.json()["results"]]
    assert listed == [october[key].reference for key in behind]


def test_a_booking_behind_shows_its_extra_work_and_charges(october, as_):
    response = as_("aito_admin").get(
        "/api/v1/audit/outlets/SH-PUDONG-01/bookings/", {**PERIOD, "metric": "off_standard"}
    )
    v2 = response.json()["results"][0]
    assert {k: v2[k] for k in ("extra_lines_sent", "extra_lines_approved")} == {
        "extra_lines_sent": 3,
        "extra_lines_approved": 1,
    }
    assert (v2["extra_value_approved"], v2["charged"], v2["standard"]) == (150.5, 400.0, 420.0)


def test_the_csv_carries_the_new_columns(october, as_):
    response = as_("aito_admin").get(URL, {**PERIOD, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    pudong = next(r for r in rows if r["outlet"] == "SH-PUDONG-01")
    assert {
        key: pudong[key]
        for key in (
            "visits",
            "extra_offers_per_visit",
            "extra_acceptance_rate",
            "extra_approval_median_minutes",
            "extra_value_per_visit",
            "charged_to_standard_ratio",
        )
    } == {
        "visits": "5",
        "extra_offers_per_visit": "1.4",
        "extra_acceptance_rate": "0.5",
        "extra_approval_median_minutes": "30.0",
        "extra_value_per_visit": "100.0",
        "charged_to_standard_ratio": "1.006",
    }
    equity = as_("aito_admin").get("/api/v1/audit/equity/", {**PERIOD, "format": "csv"})
    header = next(csv.reader(io.StringIO(equity.content.decode("utf-8-sig"))))
    assert {"visits", "extra_offered", "extra_offered_rate"} <= set(header)


def test_the_standard_labour_time_counts_the_approved_extra_work(history, as_):
    """The actual labour time is all the work done in the visit, the approved extra work's
    too: so is the standard it is set against. A declined line's time is not."""
    outlet = OutletFactory(code="SH-LABOUR-01", time_zone=SH)
    approved, declined = history.write(
        outlet, [Visit("AITO", d(2), labour=120), Visit("AITO", d(3), labour=120)]
    )
    send(
        approved,
        d(2, 10, 10),
        [Line(A, "300.00", 5, labour=60), Line("declined", "90.00", 7, labour=30)],
    )
    send(declined, d(3, 10, 10), [Line("declined", "300.00", 5, labour=60)])

    row = as_("aito_admin").get(URL, PERIOD).json()["rows"][0]
    # 120 / (60 + 60) and 120 / 60
    assert row["timed"] == 2
    assert row["labour_ratio_median"] == 1.5
    behind = (
        as_("aito_admin")
        .get(f"{URL}SH-LABOUR-01/bookings/", {**PERIOD, "metric": "over_standard"})
        .json()["results"]
    )
    assert [(b["reference"], b["standard_minutes"]) for b in behind] == [(declined.reference, 60)]
    timed = (
        as_("aito_admin")
        .get(f"{URL}SH-LABOUR-01/bookings/", {**PERIOD, "metric": "timed"})
        .json()["results"]
    )
    assert [b["standard_minutes"] for b in timed] == [120, 60]
