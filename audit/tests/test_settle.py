"""Settled facts (audit.settle): the audit's figures are the same whether a booking's values are
read from its facts or computed live, at every instant: after settling, after any change the
triggers mark, after the watermark is forgotten."""

import datetime as dt
import io
import re
from decimal import Decimal

import numpy as np
import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from audit import settle, statements_sql
from audit.charts import wait_distribution, weekly_on_time
from audit.equity import equity_audit, equity_of
from audit.models import SETTLE_AFTER, BookingFacts, FactsWatermark, StaleFacts, WeekFigures
from audit.samples import SAMPLE_KINDS, float8_array
from audit.scope import audit_scope, auditor_for
from audit.selectors import Period, outlet_audit, overview_figures
from audit.selectors.statements import fetch_rows
from audit.tasks import settle_facts
from bookings.models import Booking, BookingService, Feedback
from estimates.models import EstimateLine
from hima_service.beat import BEAT_SCHEDULE
from outlets.tests.factories import OutletFactory
from pricing.tests.factories import ServicePriceFactory
from vehicles.models import Brand, Vehicle
from vehicles.tests.factories import vehicle_model

from .conftest import NOW
from .extra_work import Line, send
from .factories import Visit, local, recall_service, standard_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

S = Booking.Status
SH, BER = "Asia/Shanghai", "Europe/Berlin"
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
NOW_AT = dt.datetime.fromisoformat(NOW)
# Every figure a brand admin or the alliance reads over the period, as JSON.
READS = [
    ("aito_admin", "/api/v1/audit/outlets/", {}),
    ("alliance_admin", "/api/v1/audit/outlets/", {}),
    ("alliance_admin", "/api/v1/audit/outlets/", {"brand": "LUXEED"}),
    ("aito_admin", "/api/v1/audit/equity/", {}),
    ("alliance_admin", "/api/v1/audit/equity/", {}),
    ("aito_admin", "/api/v1/audit/outlets/SH-PUDONG-01/bookings/", {"metric": "completed"}),
]


def d(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return local(SH, f"2026-10-{day:02d}", hour, minute)


@pytest.fixture
def october(history):
    """Three brands at Pudong, AITO in Berlin: completed visits with lines, checklists, a recall,
    ratings, walk-ins, cancellations and no-shows, charges against the price book, extra work
    answered and one estimate still open; and bookings after the watermark and ahead."""
    std, rcl = standard_service(), recall_service()
    ServicePriceFactory(service_type=std, price=Decimal("400"), valid_from=dt.date(2026, 9, 1))
    ServicePriceFactory(
        service_type=std,
        model=vehicle_model("aito-m7"),
        price=Decimal("420"),
        valid_from=dt.date(2026, 10, 10),
    )
    pudong = OutletFactory(code="SH-PUDONG-01", time_zone=SH)
    munich = OutletFactory(code="DE-MUNICH-01", time_zone=BER, city="Munich", currency="EUR")
    bookings = history.write(
        pudong,
        [
            Visit("AITO", d(2), wait=-5, labour=60, rating=5),
            Visit("AITO", d(3), wait=0, labour=66, rating=4),
            Visit("AITO", d(4), wait=10, labour=54, rating=3, done=2),
            Visit("AITO", d(6), wait=20, labour=45, services=[std, rcl]),
            Visit("AITO", d(7), wait=40, labour=63, channel="walk_in"),
            Visit("AITO", d(8), status=S.CANCELLED),
            Visit("AITO", d(10), status=S.NO_SHOW, wait=None),
            Visit("AITO", d(17), wait=12, labour=70, rating=2),
            Visit("AITO", d(20, 10), wait=3, labour=61),  # after the watermark (20th at 9)
            Visit("AITO", d(25), status=S.CONFIRMED, wait=None),  # ahead
            Visit("LUXEED", d(2, 11), wait=100, rating=1),
            Visit("LUXEED", d(3, 11), wait=50, rating=2),
            Visit("STELATO", d(5, 11), wait=30, rating=3),
            Visit("STELATO", d(9, 11), status=S.NO_SHOW, wait=None),
        ],
    )
    history.write(munich, [Visit("AITO", local(BER, "2026-10-12", 9), wait=30, rating=1)])
    first, second, third, _, _, _, _, late = bookings[:8]
    BookingService.objects.filter(booking=second).update(price=Decimal("450"))
    Booking.objects.filter(pk=second.pk).update(created_at=d(1, 9))
    send(first, d(2, 10, 30), [Line("approved", "300.00", 10), Line("declined", "90.00", 30)])
    send(third, d(4, 10), [Line("approved", "49.50", 60), Line("expired")])
    # Sent on the 17th with a 4-day window: still open at noon on the 20th.
    send(late, d(17, 11), [Line("viewed", "200.00")], window=dt.timedelta(days=4))
    return {"first": first, "second": second, "third": third, "late": late}


def figures(as_) -> list:
    results = []
    for who, url, params in READS:
        response = as_(who).get(url, {**PERIOD, **params})
        assert response.status_code == 200, response.content
        results.append(response.json())
    return results


def settled_ids() -> set[int]:
    """The bookings whose facts the audit reads: under the watermark, not stale."""
    before = FactsWatermark.objects.get().settled_before
    stale = StaleFacts.objects.values("booking_id")
    return set(
        BookingFacts.objects.filter(start__lt=before)
        .exclude(id__in=stale)
        .values_list("id", flat=True)
    )


def test_the_figures_are_the_same_from_settled_facts(october, as_):
    live = figures(as_)
    result = settle.facts_settle()
    assert result.settled_before == NOW_AT - SETTLE_AFTER
    # Every booking before the watermark but the one whose estimate is still open.
    expected = set(
        Booking.objects.filter(start__lt=NOW_AT - SETTLE_AFTER)
        .exclude(pk=october["late"].pk)
        .values_list("pk", flat=True)
    )
    assert settled_ids() == expected
    assert figures(as_) == live


def test_the_audit_reads_the_facts(october, as_):
    settle.facts_settle()
    before = figures(as_)[0]["total"]["rating_mean"]
    # Written to the facts alone (no trigger watches them): only the audit reading them shows it.
    BookingFacts.objects.filter(pk=october["first"].pk).update(rating=1)
    assert figures(as_)[0]["total"]["rating_mean"] < before


def test_an_open_estimate_is_read_live_until_its_window_closes(october, as_):
    settle.facts_settle()
    late = october["late"].pk
    assert StaleFacts.objects.filter(booking_id=late).exists()
    assert not BookingFacts.objects.filter(pk=late).exists()
    with time_machine.travel(d(22, 12), tick=False):
        live = figures(as_)
        settle.facts_settle()
        assert late in settled_ids()
        assert not StaleFacts.objects.exists()
        assert figures(as_) == live


def test_facts_the_watermark_has_not_reached_are_not_read(october, as_):
    settle.facts_settle()
    live = figures(as_)
    # A booking after the watermark (the 20th at 10) with facts of its own, as a stale mark
    # settled early leaves them: its live values count, and only them.
    after = Booking.objects.get(start=d(20, 10))
    fact = BookingFacts.objects.get(pk=october["first"].pk)
    BookingFacts.objects.filter(pk=after.pk).delete()
    fact.pk, fact.start, fact.rating = after.pk, after.start, 1
    fact.save(force_insert=True)
    assert figures(as_) == live


def _rate_again(bookings):
    Feedback.objects.filter(booking=bookings["first"]).update(rating=1)


def _cancel(bookings):
    # A visit recorded by mistake, corrected: a cancelled booking never began.
    Booking.objects.filter(pk=bookings["second"].pk).update(status=S.CANCELLED, started_at=None)


def _tick_the_checklist(bookings):
    BookingService.objects.filter(booking=bookings["third"]).update(checklist_result=[])


def _approve_the_extra_work(bookings):
    EstimateLine.objects.filter(booking=bookings["first"], state="declined").update(
        state="approved", decided_at=d(2, 12)
    )


def _delete_a_booking(bookings):
    Booking.objects.filter(pk=bookings["second"].pk).delete()


def _move_the_car_to_another_brand(bookings):
    Vehicle.objects.filter(pk=bookings["first"].vehicle_id).update(model=vehicle_model("luxeed-s7"))


def _backdate_a_price(bookings):
    ServicePriceFactory(
        service_type=BookingService.objects.filter(booking=bookings["second"]).first().service_type,
        price=Decimal("450"),
        valid_from=dt.date(2026, 9, 15),
    )


def _change_the_outlet_currency(bookings):
    type(bookings["first"].outlet).objects.filter(pk=bookings["first"].outlet_id).update(
        currency="EUR"
    )


@pytest.mark.parametrize(
    "change",
    [
        _rate_again,
        _cancel,
        _tick_the_checklist,
        _approve_the_extra_work,
        _delete_a_booking,
        _move_the_car_to_another_brand,
        _backdate_a_price,
        _change_the_outlet_currency,
    ],
)
def test_a_change_after_settling_is_read_live_then_settled_again(october, as_, change):
    settle.facts_settle()
    settled = figures(as_)
    change(october)
    changed = figures(as_)
    assert changed != settled  # shown at once, from the marked bookings' live values
    marked = set(StaleFacts.objects.values_list("booking_id", flat=True)) - {october["late"].pk}
    assert marked
    settle.facts_settle()
    assert set(StaleFacts.objects.values_list("booking_id", flat=True)) == {october["late"].pk}
    remaining = set(Booking.objects.filter(pk__in=marked).values_list("pk", flat=True))
    # Their facts again, as they are now (a booking the watermark has not reached has them
    # early: the audit reads them once it has).
    assert remaining <= set(BookingFacts.objects.values_list("id", flat=True))
    assert not BookingFacts.objects.filter(pk__in=marked - remaining).exists()  # deleted: gone
    assert figures(as_) == changed


def test_a_service_type_change_forgets_every_fact(october, as_):
    settle.facts_settle()
    service = BookingService.objects.filter(booking=october["first"]).first().service_type
    service.checklist = [*service.checklist, "Check the wipers"]
    service.save()
    assert not FactsWatermark.objects.exists()  # every booking read live
    live = figures(as_)
    settle.facts_settle()
    assert settled_ids()
    assert figures(as_) == live


def test_marks_start_an_hour_before_the_watermark(history):
    """The triggers judge by the database's clock (the frozen one is Python's): bookings that
    started within the last SETTLE_AFTER less an hour are in the workshop and not marked; older
    ones are. Read from SETTLE_AFTER, so that a new interval there without a migration moving
    the triggers' fails here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        db_now = cursor.fetchone()[0]
    marks_from = SETTLE_AFTER - dt.timedelta(hours=1)
    recent, old = history.write(
        OutletFactory(),
        [
            Visit(
                "AITO",
                db_now - marks_from + dt.timedelta(minutes=10),
                status=S.CONFIRMED,
                wait=None,
            ),
            Visit("AITO", db_now - marks_from - dt.timedelta(minutes=10)),
        ],
    )
    StaleFacts.objects.all().delete()
    Booking.objects.filter(pk__in=[recent.pk, old.pk]).update(notes="seen")
    assert list(StaleFacts.objects.values_list("booking_id", flat=True)) == [old.pk]


def test_one_settling_run_at_a_time(october):
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [settle.LOCK_KEY])
        assert settle.facts_settle().steps == 0
        other.execute("SELECT pg_advisory_unlock(%s)", [settle.LOCK_KEY])
    assert settle.facts_settle().steps > 0


def test_each_step_is_planned_for_its_own_stretch(october):
    # The beat worker repeats a step's statements on one connection, where PostgreSQL would
    # settle on their generic plan (hima_service.plans): 50 times slower at the full size.
    thresholds = []

    def record(execute, sql, params, many, context):
        text = sql if isinstance(sql, str) else sql.as_string(context["connection"].connection)
        if "INSERT INTO audit_bookingfacts" in text:
            thresholds.append(context["connection"].connection.prepare_threshold)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert settle.facts_settle().steps > 0
    assert thresholds
    assert set(thresholds) == {None}  # never prepared
    assert connection.connection.prepare_threshold is not None  # the connection's, after


def test_beat_runs_the_settling_task_every_minute(october):
    entry = next(e for e in BEAT_SCHEDULE.values() if e["task"] == settle_facts.name)
    assert entry["schedule"] == 60.0
    assert settle_facts() > 0
    assert FactsWatermark.objects.get().settled_before == NOW_AT - SETTLE_AFTER


def test_the_command_settles_everything_due_and_says_so(october):
    out = io.StringIO()
    call_command("audit_settle", stdout=out)
    assert settled_ids()
    assert re.match(r"\d[\d,]* bookings settled in \d+ steps, ", out.getvalue())
    assert "; 1 left to read live" in out.getvalue()  # the open estimate
    assert FactsWatermark.objects.get().settled_before == NOW_AT - SETTLE_AFTER


def weeks_settled() -> dict[tuple[int, str], int]:
    """Bookings per outlet and Monday in the week figures, every brand together."""
    totals: dict[tuple[int, str], int] = {}
    for week in WeekFigures.objects.all():
        key = (week.outlet_id, week.week.isoformat())
        totals[key] = totals.get(key, 0) + week.bookings
    return totals


def test_settling_adds_up_each_week_once_the_watermark_is_past_its_end(october):
    # Two days earlier, less what the watermark follows behind the clock.
    with time_machine.travel(NOW_AT - dt.timedelta(days=2) + SETTLE_AFTER, tick=False):
        settle.facts_settle()
    pudong = october["first"].outlet_id
    # The watermark is at noon on the 18th in Shanghai: the week of the 12th ends at midnight on
    # the 19th and is not added up yet; the week of the 5th holds the 5th to the 11th. Munich's
    # one booking (the 12th) is in a week not ended either.
    assert weeks_settled() == {(pudong, "2026-09-28"): 5, (pudong, "2026-10-05"): 6}
    aito = october["first"].vehicle.model.brand_id
    week = WeekFigures.objects.get(outlet_id=pudong, week=dt.date(2026, 10, 5), brand_id=aito)
    # The 6th and the 7th completed, the 8th cancelled, the 10th a no-show; the walk-in's wait
    # (the 7th) is not measured.
    assert (week.bookings, week.completed, week.cancelled, week.no_show) == (4, 2, 1, 1)
    assert week.waits == [20.0]
    assert (week.timed, len(week.labour_ratios), week.recall_done) == (2, 2, 1)

    # At noon on the 20th the watermark is at 9 on the 20th, past the end of both outlets'
    # week of the 12th: Munich's is added up. Pudong's holds only the 17th, whose estimate is
    # still open (read live, no facts), so it has no row.
    settle.facts_settle()
    munich = Booking.objects.get(outlet__code="DE-MUNICH-01").outlet_id
    assert weeks_settled() == {
        (pudong, "2026-09-28"): 5,
        (pudong, "2026-10-05"): 6,
        (munich, "2026-10-12"): 1,
    }


def _aito_at_pudong(equity: dict) -> int:
    """AITO's own bookings at Pudong in an equity view."""
    outlet = next(o for o in equity["outlets"] if o["outlet"] == "SH-PUDONG-01")
    return next(c for c in outlet["comparisons"] if c["brand"] == "AITO")["figures"]["bookings"]


def test_the_outlet_audit_and_the_equity_view_read_the_week_figures(october, as_):
    settle.facts_settle()
    before = figures(as_)
    # Written to the week figures alone: only the audit reading them shows it.
    WeekFigures.objects.filter(week=dt.date(2026, 10, 5)).update(bookings=100)
    after = figures(as_)
    # AITO's four that week become 100, in the outlet audit and in the equity view.
    assert after[0]["total"]["bookings"] == before[0]["total"]["bookings"] - 4 + 100
    assert _aito_at_pudong(after[3]) == _aito_at_pudong(before[3]) - 4 + 100


def _cancel_in_a_settled_week(bookings):
    Booking.objects.filter(start=d(6)).update(status=S.CANCELLED, started_at=None)


def _rate_in_a_settled_week(bookings):
    Feedback.objects.create(booking=Booking.objects.get(start=d(7)), rating=1)


def _move_out_of_a_settled_week(bookings):
    later = local(SH, "2026-11-02", 10)  # out of the period too, so that the figures change
    Booking.objects.filter(start=d(8)).update(  # the cancelled one
        start=later,
        end=later + dt.timedelta(hours=1),
        bay_released_at=later + dt.timedelta(hours=1),
    )


def _move_into_a_settled_week(bookings):
    Booking.objects.filter(start=d(25)).update(  # from ahead
        start=d(9, 15), end=d(9, 16), bay_released_at=d(9, 16)
    )


@pytest.mark.parametrize(
    "change",
    [
        _cancel_in_a_settled_week,
        _rate_in_a_settled_week,
        _move_out_of_a_settled_week,
        _move_into_a_settled_week,
    ],
)
def test_a_change_in_a_settled_week_is_read_live_then_added_up_again(october, as_, change):
    settle.facts_settle()
    settled = figures(as_)
    change(october)
    changed = figures(as_)
    assert changed != settled  # the week's other bookings from their facts, the changed one live
    settle.facts_settle()
    assert figures(as_) == changed
    FactsWatermark.objects.all().delete()  # every booking live
    assert figures(as_) == changed


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-10-01", "2026-10-31"),
        ("2026-10-05", "2026-10-11"),  # one whole week
        ("2026-10-06", "2026-10-25"),  # from a Tuesday to a Sunday
        ("2026-09-28", "2026-11-01"),  # Monday to Sunday, weeks only
        ("2026-10-07", "2026-10-09"),  # within a week
        ("2026-10-12", "2026-11-15"),  # up to the watermark and past it
    ],
)
def test_any_period_adds_up_the_same_from_weeks_facts_and_live_values(
    october, as_, date_from, date_to
):
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        period = {"date_from": date_from, "date_to": date_to}
        live = [as_(who).get(url, {**period, **params}).json() for who, url, params in READS]
        settle.facts_settle()
        assert WeekFigures.objects.filter(week=dt.date(2026, 10, 19)).exists()
        settled = [as_(who).get(url, {**period, **params}).json() for who, url, params in READS]
    assert settled == live


@pytest.mark.parametrize("who", ["aito_admin", "alliance_admin"])
@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [("2026-10-01", "2026-10-31"), ("2026-10-06", "2026-10-25"), ("2026-10-12", "2026-11-15")],
)
def test_the_overview_reads_at_once_what_the_outlet_audit_and_equity_read_apart(
    october, people, who, date_from, date_to
):
    scope = audit_scope(auditor=auditor_for(user=people[who]), brand_code=None)
    period = Period(dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to))
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        for settling in (lambda: None, settle.facts_settle):  # live, then from weeks and facts
            settling()
            apart = outlet_audit(scope=scope, period=period)
            together, comparisons = overview_figures(scope=scope, period=period)

            assert together.rows == apart.rows
            assert together.total == apart.total
            # SH-STAFFED-01 (people's) has no bookings: its row is there, with zeros.
            assert "SH-STAFFED-01" in {row.outlet for row in together.rows}
            assert together.waits.keys() == apart.waits.keys()
            for code, waits in apart.waits.items():
                assert np.array_equal(together.waits[code], waits)
            assert equity_of(comparisons, scope=scope) == equity_audit(scope=scope, period=period)


def test_an_outlet_time_zone_change_forgets_every_fact(october, as_):
    settle.facts_settle()
    Outlet = type(october["first"].outlet)
    Outlet.objects.filter(pk=october["first"].outlet_id).update(time_zone="Asia/Tokyo")
    assert not FactsWatermark.objects.exists()  # its weeks are other weeks now
    live = figures(as_)
    settle.facts_settle()
    assert figures(as_) == live


def charts(people) -> list:
    """The dashboard's charts (audit.charts) over the period, for AITO's admin and the alliance."""
    results = []
    for who in ["aito_admin", "alliance_admin"]:
        scope = audit_scope(auditor=auditor_for(user=people[who]), brand_code=None)
        period = Period(
            date_from=dt.date.fromisoformat(PERIOD["date_from"]),
            date_to=dt.date.fromisoformat(PERIOD["date_to"]),
        )
        results.append(wait_distribution(outlet_audit(scope=scope, period=period)))
        results.append(weekly_on_time(scope=scope, period=period))
    return results


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-10-01", "2026-10-31"),
        ("2026-10-06", "2026-10-25"),  # from a Tuesday to a Sunday
        ("2026-09-28", "2026-11-01"),  # Monday to Sunday, weeks only
        ("2026-10-07", "2026-10-09"),  # within a week
    ],
)
def test_the_charts_are_the_same_from_weeks_facts_and_live_values(
    october, people, monkeypatch, date_from, date_to
):
    monkeypatch.setitem(PERIOD, "date_from", date_from)
    monkeypatch.setitem(PERIOD, "date_to", date_to)
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        live = charts(people)
        settle.facts_settle()
        assert WeekFigures.objects.filter(week=dt.date(2026, 10, 19)).exists()
        settled = charts(people)
    assert settled == live
    assert any(live)


def test_the_charts_read_the_week_figures(october, people):
    settle.facts_settle()
    before = charts(people)
    # Written to the week of 5 October's figures alone: only a chart reading them shows it.
    aito = Brand.objects.get(code="AITO").pk
    WeekFigures.objects.filter(week=dt.date(2026, 10, 5), brand_id=aito).update(
        waits=[90.0], started=1, on_time=1
    )
    waits, weeks = charts(people)[:2]
    # AITO's one start that week at Pudong, 20 minutes late, becomes one of 90: over an hour.
    pudong = {w.outlet: w for w in waits}["SH-PUDONG-01"]
    was = {w.outlet: w for w in before[0]}["SH-PUDONG-01"]
    assert pudong.counts == [*was.counts[:2], was.counts[2] - 1, was.counts[3], was.counts[4] + 1]
    week = next(w for w in weeks if w.week == dt.date(2026, 10, 5))
    assert (week.started, week.on_time) == (1, 1)


@pytest.mark.parametrize(
    ("one_brand_at_a_time", "every_brand"),
    [
        (statements_sql.EQUITY_FIGURES, statements_sql.EVERY_BRAND_EQUITY_FIGURES),
        (statements_sql.OVERVIEW_FIGURES, statements_sql.EVERY_BRAND_OVERVIEW_FIGURES),
    ],
)
def test_every_brand_added_up_per_outlet_first_gives_the_same_rows(
    october, one_brand_at_a_time, every_brand
):
    """The alliance's statements add each brand's parts at an outlet up before comparing: the
    same rows as comparing the parts themselves, over settled weeks, loose rows and bookings
    ahead, in two currencies. The values come in another order, so they are compared sorted."""
    settle.facts_settle()
    params = {
        "date_from": dt.date(2026, 10, 1),
        "date_to": dt.date(2026, 10, 31),
        "now": NOW_AT,
        "outlet_id": None,
        "city": None,
        "brand_id": None,
        "compared_brand_id": None,
    }

    def read(statement) -> list[dict]:
        rows = fetch_rows(statement, dict(params))
        for row in rows:
            for kind in SAMPLE_KINDS:
                if row[kind] is not None:
                    row[kind] = sorted(float8_array(row[kind]))
        return rows

    expected = read(one_brand_at_a_time)
    assert {row["brand"] for row in expected} >= {"AITO", "LUXEED", "STELATO"}
    assert read(every_brand) == expected
