"""Exact figures on a constructed October, worked out by hand below."""

import pytest

from bookings.models import Booking
from outlets.models import Outlet
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import brand

from .factories import Visit, local, recall_service, standard_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

S = Booking.Status
SH, BER = "Asia/Shanghai", "Europe/Berlin"
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


@pytest.fixture
def october(history):
    """AITO at Pudong (Shanghai): 11 bookings; LUXEED there: 2; AITO at Munich (Berlin): 1.
    Standard service: 60 min, 3 checklist items; recall: 30 min, 2 items."""
    std, rcl = standard_service(), recall_service()
    pudong = OutletFactory(code="SH-PUDONG-01", time_zone=SH)
    munich = OutletFactory(code="DE-MUNICH-01", time_zone=BER, city="Munich")
    OutletFactory(code="HZ-EMPTY-01", city="Hangzhou")  # AITO may go there; nobody did
    OutletFactory(code="BJ-LUXEED-01", brands=[brand("LUXEED")])  # not AITO's at all
    d = lambda day, hour=10: local(SH, f"2026-10-{day:02d}", hour)  # noqa: E731
    history.write(
        pudong,
        [
            #     wait  labour  rating  → ratio   checklist
            Visit("AITO", d(2), wait=-5, labour=60, rating=5),  # 1.0   3/3
            Visit("AITO", d(3), wait=0, labour=66, rating=4),  # 1.1   3/3
            Visit("AITO", d(4), wait=10, labour=54, rating=3),  # 0.9   3/3
            Visit("AITO", d(5), wait=15, labour=90, rating=2, done=2),  # 1.5   2/3
            Visit("AITO", d(6), wait=20, labour=45, services=[std, rcl]),  # 45/90 = 0.5   5/5
            Visit("AITO", d(7), wait=40, labour=63),  # 1.05  3/3
            Visit("AITO", d(11), wait=90, labour=72, channel="walk_in"),  # 1.2   3/3
            Visit("AITO", d(8), status=S.CANCELLED, services=[std, rcl]),
            Visit("AITO", d(9), status=S.CANCELLED),
            Visit("AITO", d(10), status=S.NO_SHOW),
            Visit("AITO", d(25), status=S.CONFIRMED),  # after "now" (the 20th): not due
            Visit("LUXEED", d(2, 11), wait=100, rating=1),
            Visit("LUXEED", d(3, 11), wait=100, rating=1),
        ],
    )
    history.write(munich, [Visit("AITO", local(BER, "2026-10-12", 9), wait=30, rating=1)])


def _rows(response):
    assert response.status_code == 200, response.json()
    body = response.json()
    return {row["outlet"]: row for row in body["rows"]}, body["total"]


def test_aito_figures_at_one_outlet(october, as_):
    rows, _ = _rows(as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD))
    assert rows["SH-PUDONG-01"] == {
        "outlet": "SH-PUDONG-01",
        "outlet_name": rows["SH-PUDONG-01"]["outlet_name"],
        "city": "Shanghai",
        "time_zone": SH,
        "bookings": 11,
        # due: 11 − 2 cancelled − 1 ahead = 8 (7 completed incl. the walk-in, 1 no-show)
        "due": 8,
        "completed": 7,
        "cancelled": 2,
        "no_show": 1,
        "completion_rate": 0.875,  # 7 / 8
        "cancellation_rate": 0.1818,  # 2 / 11
        "no_show_rate": 0.125,  # 1 / 8
        # waits of the 6 booked starts (the walk-in's 90 is not one): −5 0 10 15 20 40
        "started": 6,
        "wait_median_minutes": 12.5,  # (10 + 15) / 2
        "wait_p90_minutes": 30.0,  # rank 0.9 × 5 = 4.5: halfway from 20 to 40
        "on_time": 4,  # −5, 0, 10 and 15 (15 is still on time)
        "on_time_rate": 0.6667,  # 4 / 6
        # ratios 0.5 0.9 1.0 1.05 1.1 1.2 1.5: the 4th
        "timed": 7,
        "labour_ratio_median": 1.05,
        # 6 × 3 items + 5 items = 23, one not ticked
        "checklist_items": 23,
        "checklist_items_done": 22,
        "checklist_completion_rate": 0.9565,  # 22 / 23
        "rated": 4,
        "rating_mean": 3.5,  # (5 + 4 + 3 + 2) / 4
        "response_rate": 0.5714,  # 4 / 7
        "recall_done": 1,  # the cancelled booking with a recall line is no recall work done
        # No extra work in this October (test_extra_work.py has some): 7 visits, none offered.
        "visits": 7,
        "extra_offered": 0,
        "extra_lines_sent": 0,
        "extra_lines_decided": 0,
        "extra_lines_approved": 0,
        "extra_value_approved": 0.0,
        "currency": "CNY",
        "extra_offers_per_visit": 0.0,
        "extra_offered_rate": 0.0,
        "extra_acceptance_rate": None,
        "extra_approval_median_minutes": None,
        "extra_value_per_visit": 0.0,
        # 7 completed, each with the standard service charged at its catalog price, 399
        "priced": 7,
        "off_standard": 0,
        "charged_total": 2793.0,
        "standard_total": 2793.0,
        "charged_to_standard_ratio": 1.0,
    }


def test_network_total_is_computed_over_all_bookings_not_averaged(october, as_):
    rows, total = _rows(as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD))
    # Munich adds one completed AITO booking: wait 30, rating 1, ratio 1.0, 3/3 items.
    assert rows["DE-MUNICH-01"]["bookings"] == 1
    assert total["outlet"] is None
    assert total["outlet_name"] == "Network total"
    assert total["bookings"] == 12
    assert total["completion_rate"] == 0.8889  # 8 / 9
    # waits −5 0 10 15 20 30 40: median the 4th; p90 at rank 5.4: 30 + 0.4 × 10
    assert total["wait_median_minutes"] == 15.0
    assert total["wait_p90_minutes"] == 34.0
    assert total["on_time_rate"] == 0.5714  # 4 / 7
    assert total["labour_ratio_median"] == 1.025  # 0.5 0.9 1.0 1.0 1.05 1.1 1.2 1.5
    assert total["rating_mean"] == 3.0  # (5 + 4 + 3 + 2 + 1) / 5
    assert total["response_rate"] == 0.625  # 5 / 8
    assert total["recall_done"] == 1


def test_bookings_still_to_come_count_as_booked_or_cancelled_and_nothing_else(
    october, history, as_
):
    """After "now" (the 20th), a confirmed or cancelled booking counts towards the bookings and
    the cancellations only; one whose service began early is the visit it is."""
    pudong = Outlet.objects.get(code="SH-PUDONG-01")
    history.write(
        pudong,
        [
            Visit("AITO", local(SH, "2026-10-26", 10), status=S.CANCELLED),
            Visit("AITO", local(SH, "2026-10-27", 10), status=S.IN_SERVICE, wait=-30),
            Visit("LUXEED", local(SH, "2026-10-28", 10), status=S.CANCELLED),
            # after the period's last day in Shanghai (still the 31st in UTC): not in it
            Visit("AITO", local(SH, "2026-11-01", 0, 30), status=S.CONFIRMED),
        ],
    )
    rows, total = _rows(as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD))
    row = rows["SH-PUDONG-01"]
    # 11 + 2 AITO bookings, 2 + 1 cancelled; still 8 due (7 completed, 1 no-show)
    assert (row["bookings"], row["cancelled"], row["due"]) == (13, 3, 8)
    assert row["cancellation_rate"] == 0.2308  # 3 / 13
    # the early start is a visit, and its wait (−30) is one of the waits: −30 −5 0 10 15 20 40
    assert (row["started"], row["visits"]) == (7, 8)
    assert row["wait_median_minutes"] == 10.0
    assert total["bookings"] == 14

    body = as_("alliance_admin").get("/api/v1/audit/equity/", PERIOD).json()
    (outlet,) = [o for o in body["outlets"] if o["outlet"] == "SH-PUDONG-01"]
    sides = {c["brand"]: (c["figures"], c["others"]) for c in outlet["comparisons"]}
    aito, luxeed = sides["AITO"], sides["LUXEED"]
    assert (aito[0]["bookings"], aito[0]["cancelled"]) == (13, 3)
    assert (luxeed[0]["bookings"], luxeed[0]["cancelled"]) == (3, 1)
    assert (luxeed[1]["bookings"], luxeed[1]["cancelled"]) == (13, 3)


def test_bookings_still_to_come_count_by_each_outlets_own_days_far_east_and_west(history, as_):
    """A period ahead of "now", at outlets 14 hours ahead of UTC and 11 behind: the bookings of
    its first and last local days count and those just outside do not, however far their UTC
    dates are from the local ones; a one-day period counts its day once. A booking checked in
    ahead of its time is a visit, not one still to come."""
    east, west = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    for code, zone in [("KI-LINE-01", east), ("AS-PAGO-01", west)]:
        visits = [
            Visit("AITO", local(zone, "2026-10-21", 23, 30), status=S.CONFIRMED),  # the day before
            Visit("AITO", local(zone, "2026-10-22", 0, 30), status=S.CANCELLED),
            Visit("AITO", local(zone, "2026-10-23", 12), status=S.CONFIRMED),
            Visit("AITO", local(zone, "2026-10-24", 23, 30), status=S.CONFIRMED),
            Visit("AITO", local(zone, "2026-10-25", 0, 30), status=S.CANCELLED),  # the day after
        ]
        if zone == west:
            visits.append(
                Visit("AITO", local(zone, "2026-10-23", 15), status=S.CHECKED_IN, wait=None)
            )
        history.write(OutletFactory(code=code, time_zone=zone), visits)
    client = as_("aito_admin")

    rows, total = _rows(
        client.get("/api/v1/audit/outlets/", {"date_from": "2026-10-22", "date_to": "2026-10-24"})
    )
    east_row, west_row = rows["KI-LINE-01"], rows["AS-PAGO-01"]
    assert (east_row["bookings"], east_row["cancelled"], east_row["visits"]) == (3, 1, 0)
    assert (west_row["bookings"], west_row["cancelled"], west_row["visits"]) == (4, 1, 1)
    assert (total["bookings"], total["due"]) == (7, 0)

    one_day = {"date_from": "2026-10-23", "date_to": "2026-10-23"}
    rows, _ = _rows(client.get("/api/v1/audit/outlets/", one_day))
    assert (rows["KI-LINE-01"]["bookings"], rows["AS-PAGO-01"]["bookings"]) == (1, 2)
    body = as_("alliance_admin").get("/api/v1/audit/equity/", one_day).json()
    figures = {o["outlet"]: o["comparisons"][0]["figures"] for o in body["outlets"]}
    assert (figures["KI-LINE-01"]["bookings"], figures["AS-PAGO-01"]["bookings"]) == (1, 2)


def test_rows_are_the_brands_outlets_and_an_empty_one_shows_zeros(october, as_):
    rows, _ = _rows(as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD))
    assert "BJ-LUXEED-01" not in rows  # not authorized for AITO, no AITO bookings
    empty = rows["HZ-EMPTY-01"]
    assert empty["bookings"] == 0
    assert empty["completion_rate"] is None  # no denominator: no rate, not 0
    assert empty["wait_median_minutes"] is None


def test_an_outlet_closed_since_still_shows_the_brands_bookings_of_the_period(october, as_):
    Outlet.objects.filter(code="DE-MUNICH-01").update(is_active=False)
    Outlet.objects.filter(code="HZ-EMPTY-01").update(is_active=False)
    rows, total = _rows(as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD))
    # Munich is out of the active outlets but had an AITO booking: its row and the total keep
    # it. The empty one, closed, had none: no row.
    assert rows["DE-MUNICH-01"]["bookings"] == 1
    assert rows["DE-MUNICH-01"]["wait_median_minutes"] == 30.0
    assert "HZ-EMPTY-01" not in rows
    assert total["bookings"] == 12


def test_alliance_admin_without_a_brand_sees_every_brand(october, as_):
    rows, total = _rows(as_("alliance_admin").get("/api/v1/audit/outlets/", PERIOD))
    pudong = rows["SH-PUDONG-01"]
    assert pudong["bookings"] == 13  # 11 AITO + 2 LUXEED
    assert pudong["started"] == 8
    # waits −5 0 10 15 20 40 100 100: (15 + 20) / 2
    assert pudong["wait_median_minutes"] == 17.5
    assert "BJ-LUXEED-01" in rows
    assert total["bookings"] == 14


def test_alliance_admin_naming_a_brand_gets_that_brand(october, as_):
    rows, _ = _rows(
        as_("alliance_admin").get("/api/v1/audit/outlets/", {**PERIOD, "brand": "luxeed"})
    )
    assert rows["SH-PUDONG-01"]["bookings"] == 2
    assert rows["SH-PUDONG-01"]["rating_mean"] == 1.0


def test_outlet_and_city_filters(october, as_):
    client = as_("aito_admin")
    rows, total = _rows(client.get("/api/v1/audit/outlets/", {**PERIOD, "outlet": "de-munich-01"}))
    assert list(rows) == ["DE-MUNICH-01"]
    assert total["bookings"] == 1
    rows, _ = _rows(client.get("/api/v1/audit/outlets/", {**PERIOD, "city": "munich"}))
    assert list(rows) == ["DE-MUNICH-01"]


def test_bookings_behind_a_figure(october, as_):
    client = as_("aito_admin")
    url = "/api/v1/audit/outlets/SH-PUDONG-01/bookings/"

    def waits(metric):
        response = client.get(url, {**PERIOD, "metric": metric})
        assert response.status_code == 200, response.json()
        return [row["wait_minutes"] for row in response.json()["results"]]

    assert waits("late_start") == [20.0, 40.0]
    assert waits("on_time") == [-5.0, 0.0, 10.0, 15.0]
    assert len(waits("all")) == 11  # AITO only: LUXEED's two are not the admin's
    assert len(waits("due")) == 8
    assert len(waits("cancelled")) == 2
    assert len(waits("checklist_incomplete")) == 1
    assert len(waits("over_standard")) == 4  # 66, 90, 63 and 72 minutes against 60
    recall = client.get(url, {**PERIOD, "metric": "recall"}).json()["results"]
    assert [(r["recall"], r["standard_minutes"], r["actual_labour_minutes"]) for r in recall] == [
        (True, 90, 45)
    ]
    assert recall[0]["start"] == "2026-10-06T10:00:00+08:00"  # in the outlet's zone
    rated = client.get(url, {**PERIOD, "metric": "rated"}).json()
    assert rated["count"] == 4
    assert [r["rating"] for r in rated["results"]] == [5, 4, 3, 2]


def test_bookings_behind_a_figure_are_paginated(october, as_):
    client = as_("aito_admin")
    url = "/api/v1/audit/outlets/SH-PUDONG-01/bookings/"
    first = client.get(url, {**PERIOD, "page_size": 4}).json()
    second = client.get(url, {**PERIOD, "page_size": 4, "page": 3}).json()
    assert first["count"] == 11
    assert len(first["results"]) == 4
    assert first["next"] is not None
    assert len(second["results"]) == 3
    assert second["next"] is None
