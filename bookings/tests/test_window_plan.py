"""Plans of the booking core's hot reads, on realistic, analyzed data. The
availability engine's window read has a plan that does not depend on statistics: PostgreSQL
answers it without the exclusion constraints' GiST indexes, whatever it is pushed towards (a
GiST plan for it once cost 300 ms instead of 2 ms)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability.calendar import load_calendars
from bookings.locks import UpcomingAsk, share_lock_day_bays
from bookings.models import Booking
from bookings.tests.plans import plan_indexes
from conftest import TEST_NOW
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

GIST_INDEXES = {"booking_no_bay_overlap", "booking_no_vehicle_overlap"}
OUTLETS, BAYS, DAYS, HOURS = 6, 6, 30, range(9, 18)
# Around the suite's fixed instant: this module is imported before any test's clock is set.
FIRST_DAY = TEST_NOW.date() - dt.timedelta(days=10)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def network():
    """6 outlets × 6 bays (one of them also for EV batteries), one-hour bookings every hour of
    30 days (9,720), a third of them in statuses that hold no bay; then ANALYZE, as autovacuum
    would."""
    outlets = [OutletFactory() for _ in range(OUTLETS)]
    bays = [
        BayFactory(
            outlet=outlet,
            name=f"B{j}",
            capabilities=["general", "ev_battery"] if j == 0 else ["general"],
        )
        for outlet in outlets
        for j in range(BAYS)
    ]
    vehicles = [VehicleFactory() for _ in bays]  # one per bay: never two bookings at once
    statuses = ["completed", "confirmed", "confirmed", "checked_in", "cancelled", "confirmed"]
    rows = []
    for day in range(DAYS):
        for hour in HOURS:
            start = dt.datetime.combine(
                FIRST_DAY + dt.timedelta(days=day), dt.time(hour), tzinfo=SHANGHAI
            )
            for i, (bay, vehicle) in enumerate(zip(bays, vehicles, strict=True)):
                rows.append(
                    Booking(
                        reference=f"HP-{len(rows):07d}",
                        owner_id=vehicle.owner_id,
                        vehicle=vehicle,
                        outlet_id=bay.outlet_id,
                        bay=bay,
                        start=start,
                        end=start + dt.timedelta(hours=1),
                        bay_released_at=start + dt.timedelta(hours=1),
                        status=statuses[(day + hour + i) % len(statuses)],
                    )
                )
    Booking.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bookings_booking")
    return outlets


def window_sql(outlets, days: int, needed: str) -> str:
    """The exact SQL of the window read of load_calendars, as it ran."""
    date_from = FIRST_DAY + dt.timedelta(days=12)
    with CaptureQueriesContext(connection) as queries:
        calendars = load_calendars(
            outlets,
            needed={needed},
            date_from=date_from,
            date_to=date_from + dt.timedelta(days=days - 1),
        )
    assert all(calendar.bays for calendar in calendars.values())
    (sql,) = [q["sql"] for q in queries.captured_queries if "bookings_booking" in q["sql"]]
    return sql


def btrees() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'bookings_booking' "
            "AND indexdef LIKE '%%USING btree%%'"
        )
        return {name for (name,) in cursor.fetchall()}


def bay_btrees() -> set[str]:
    """The B-trees whose key starts with bay_id (the foreign key's index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'bookings_booking' "
            "AND indexdef LIKE '%%USING btree (bay_id%%'"
        )
        return {name for (name,) in cursor.fetchall()}


def indexes_in_plan(sql: str, *settings: str) -> set[str]:
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
        for setting in settings:
            cursor.execute(f"RESET {setting.split('=')[0].strip()}")
    return plan_indexes(plan)


@pytest.mark.parametrize(
    ("outlet_count", "days", "needed"),
    [
        (1, 7, "general"),  # one outlet-week, every bay suitable
        (6, 14, "general"),  # the network search
        (6, 14, "ev_battery"),  # …for a service only one bay of each outlet can do
    ],
)
def test_the_window_read_never_uses_a_gist_index(network, outlet_count, days, needed):
    sql = window_sql(network[:outlet_count], days, needed)
    # As the planner likes it, and pushed away from sequential scans.
    assert not indexes_in_plan(sql) & GIST_INDEXES
    used = indexes_in_plan(sql, "enable_seqscan = off")
    assert not used & GIST_INDEXES, used
    assert used <= btrees(), used  # a walk of B-trees (which one is the planner's choice)
    # Without the B-tree on bay_id, a filter `bay_id = ANY(…)` gets PostgreSQL to combine the
    # walk with booking_no_bay_overlap (a BitmapAnd that once took a hundred times longer):
    # this one cannot, as no index has its bay expression.
    with connection.cursor() as cursor:
        for name in bay_btrees():
            cursor.execute(f'DROP INDEX "{name}"')  # rolled back with the test
    for settings in [(), ("enable_seqscan = off",)]:
        used = indexes_in_plan(sql, *settings)
        assert not used & GIST_INDEXES, used


def upcoming_sql(outlet, vehicle_id: int, owner_id: int) -> str:
    """The exact SQL of a create's bays statement with the caps' upcoming counts, as it ran."""
    now = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=12), dt.time(8), tzinfo=SHANGHAI)
    start = now + dt.timedelta(days=2)
    with CaptureQueriesContext(connection) as queries:
        share_lock_day_bays(
            outlet_id=outlet.pk,
            needed={"general"},
            start=start,
            released=start + dt.timedelta(hours=1),
            day=start.date(),
            upcoming=UpcomingAsk(owner_id=owner_id, vehicle_id=vehicle_id, now=now),
        )
    (sql,) = [q["sql"] for q in queries.captured_queries if "bookings_booking" in q["sql"]]
    return sql


def test_a_cars_upcoming_count_reads_the_cars_own_index(network):
    # Every create counts the car's upcoming bookings. With the vehicle's foreign-key index
    # alone the plan rests on the planner's guess of a car's share of the table: where a few
    # cars hold many bookings (the bench's small seed) it intersected that index with the
    # status index, reading every active booking ahead (2.5 ms a create).
    booking = Booking.objects.filter(outlet=network[0]).first()
    sql = upcoming_sql(network[0], booking.vehicle_id, booking.owner_id)
    # (The owner's count beside it may take the status index: the planner's choice.)
    for settings in [(), ("enable_seqscan = off",)]:
        used = indexes_in_plan(sql, *settings)
        assert "booking_vehicle_active" in used, used
