"""The dashboard's opening views, kept: the last quarter of every outlet, for each brand's admins
and the alliance's, figured by the beat and answered from then, with the time they were figured;
everything else figured when asked."""

import dataclasses
import datetime as dt

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from audit import kept
from audit.kept import KEEP_SECONDS, REFRESH_SECONDS, keep_opening_views
from audit.selectors import Period
from audit.tasks import keep_views
from hima_service import cache as hima_cache
from hima_service.beat import BEAT_SCHEDULE
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import brand

from .conftest import NOW
from .test_equity import UNFAIR_AITO, fair

pytestmark = pytest.mark.django_db

# The last quarter on NOW (20 October): the 90 days up to the 19th. The visits are early October.
QUARTER = {"date_from": "2026-07-22", "date_to": "2026-10-19"}
KEPT_AT = "2026-10-20T12:00:00+08:00"
LATER = "2026-10-20T12:04:00+08:00"
EQUITY = "/api/v1/audit/equity/"
OUTLETS = "/api/v1/audit/outlets/"


@pytest.fixture
def unequal(history):
    outlet = OutletFactory(code="SZ-KEPT-01", name="Nanshan Kept Centre", city="Shenzhen")
    history.write(outlet, UNFAIR_AITO + fair("LUXEED", 20) + fair("STELATO", 20, 20))
    return outlet


def kept_now():
    with time_machine.travel(KEPT_AT, tick=False):
        assert keep_opening_views() == 6  # five brands' admins, and the alliance's


def without_time(body):
    return {name: value for name, value in body.items() if name != "computed_at"}


@pytest.mark.parametrize("who", ["aito_admin", "alliance_admin"])
@pytest.mark.parametrize("url", [EQUITY, OUTLETS])
def test_a_kept_view_answers_what_the_live_one_does_and_when_it_was_figured(unequal, as_, who, url):
    with time_machine.travel(LATER, tick=False):
        live = as_(who).get(url, QUARTER).json()
    kept_now()
    with time_machine.travel(LATER, tick=False):
        answered = as_(who).get(url, QUARTER).json()

    assert live["computed_at"] == "2026-10-20T12:04:00+08:00"
    assert answered["computed_at"] == "2026-10-20T12:00:00+08:00"
    assert without_time(answered) == without_time(live)
    if url == EQUITY:
        assert {f["metric"] for f in answered["flags"]} >= {"on_time_rate", "wait_median_minutes"}


def test_a_kept_view_stays_as_figured_until_the_next_refresh(unequal, history, as_):
    kept_now()
    # Another outlet's quarter, with AITO served worse there too, arrives after the refresh.
    later = OutletFactory(code="GZ-LATER-01")
    history.write(later, UNFAIR_AITO + fair("LUXEED", 20) + fair("STELATO", 20, 20))

    with time_machine.travel(LATER, tick=False):
        before = as_("aito_admin").get(EQUITY, QUARTER).json()
        keep_opening_views()
        after = as_("aito_admin").get(EQUITY, QUARTER).json()

    assert {o["outlet"] for o in before["outlets"]} == {"SZ-KEPT-01"}
    assert {o["outlet"] for o in after["outlets"]} == {"SZ-KEPT-01", "GZ-LATER-01"}
    assert after["tests"] > before["tests"]
    assert after["computed_at"] == "2026-10-20T12:04:00+08:00"


@pytest.mark.parametrize(
    "asked",
    [
        {"date_from": "2026-10-01", "date_to": "2026-10-19"},  # another period
        {**QUARTER, "city": "Shenzhen"},
        {**QUARTER, "outlet": "SZ-KEPT-01"},
        {**QUARTER, "brand": "AITO"},  # the alliance admin on one brand
    ],
)
@pytest.mark.parametrize("url", [EQUITY, OUTLETS])
def test_anything_but_an_opening_view_is_figured_when_asked(unequal, as_, asked, url):
    kept_now()
    with time_machine.travel(LATER, tick=False):
        body = as_("alliance_admin").get(url, asked).json()
    assert body["computed_at"] == "2026-10-20T12:04:00+08:00"


@pytest.mark.parametrize("url", [EQUITY, OUTLETS])
def test_views_kept_from_another_database_are_not_read(unequal, as_, monkeypatch, url):
    # Another checkout's or a test run's audit worker, on the same Redis, keeping the same
    # opening views of its own database.
    monkeypatch.setattr(hima_cache, "database_namespace", lambda: "hima_elsewhere:16384")
    kept_now()
    monkeypatch.undo()

    with time_machine.travel(LATER, tick=False):
        body = as_("aito_admin").get(url, QUARTER).json()

    assert body["computed_at"] == "2026-10-20T12:04:00+08:00"  # figured here, now


def test_the_kept_flags_speak_the_askers_language(unequal, as_):
    kept_now()
    client = as_("aito_admin")
    english = client.get(EQUITY, QUARTER, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(EQUITY, QUARTER, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["computed_at"] == chinese["computed_at"] == "2026-10-20T12:00:00+08:00"
    assert "on-time start rate" in english["flags"][0]["sentence"]
    assert "准时开工率" in chinese["flags"][0]["sentence"]
    assert english["tests"] == chinese["tests"]


def test_a_brand_admin_keeps_the_others_withheld_where_they_are_one_brand(history, as_):
    two = OutletFactory(code="DE-TWO-KEPT-01", brands=[brand("AITO"), brand("LUXEED")])
    history.write(two, UNFAIR_AITO + fair("LUXEED", 40))
    kept_now()

    mine = as_("aito_admin").get(EQUITY, QUARTER).json()
    everything = as_("alliance_admin").get(EQUITY, QUARTER).json()

    assert mine["computed_at"] == everything["computed_at"] == "2026-10-20T12:00:00+08:00"
    (comparison,) = mine["outlets"][0]["comparisons"]
    assert comparison["others"] is None
    assert comparison["others_withheld"] is True
    assert mine["flags"] == []
    assert "LUXEED" not in str(mine)
    assert {f["brand"] for f in everything["flags"]} == {"AITO"}


def test_a_kept_view_is_read_without_the_audits_statements(
    unequal, as_, django_assert_max_num_queries
):
    kept_now()
    client = as_("alliance_admin")
    client.get(EQUITY, QUARTER)  # the connection's own first queries
    # Signing in reads the user; nothing reads a booking or a fact.
    with django_assert_max_num_queries(2) as captured:
        assert client.get(EQUITY, QUARTER).status_code == 200
    assert not any("audit_" in q["sql"] or "bookings_" in q["sql"] for q in captured)


def test_the_cache_drops_a_kept_view_after_two_missed_refreshes(unequal):
    kept_now()
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(cache.make_key("audit:kept:*")))
    # Figures and an equity view per language, for each of the six views.
    assert len(keys) == 6 * (1 + len(settings.LANGUAGES))
    assert all(REFRESH_SECONDS * 2 < client.ttl(key) <= KEEP_SECONDS for key in keys)


def test_beat_refreshes_the_kept_views_as_often_as_they_say(unequal):
    entry = next(e for e in BEAT_SCHEDULE.values() if e["task"] == keep_views.name)
    # Every REFRESH_SECONDS on the platform's clock, midnight among them: the last quarter
    # turns then (on the same calendar), and the new one is kept within seconds.
    assert entry["schedule"].minute == set(range(0, 60, REFRESH_SECONDS // 60))
    assert entry["schedule"].hour == set(range(24))
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE
    assert entry["options"]["expires"] < REFRESH_SECONDS
    with time_machine.travel(NOW, tick=False):
        assert keep_views() == 6


def test_an_overview_never_mixes_two_refreshes(unequal):
    kept_now()
    scope = next(s for s in kept.opening_scopes() if s.is_alliance)
    period = Period(date_from=dt.date(2026, 7, 22), date_to=dt.date(2026, 10, 19))
    with translation.override("en"):
        assert kept.overview(scope=scope, period=period).kept
        # The next refresh has written the equity view, not yet the figures.
        equity_key = kept._key("equity", scope, period, "en")
        cache.set(
            equity_key, dataclasses.replace(cache.get(equity_key), computed_at=timezone.now())
        )
        with time_machine.travel(LATER, tick=False):
            mixed = kept.overview(scope=scope, period=period)
    assert not mixed.kept
    assert mixed.computed_at.isoformat() == "2026-10-20T04:04:00+00:00"
