"""The hot reads of active bookings run as prepared statements (psycopg prepares what a
connection repeats, hima_service.databases), and PostgreSQL settles on a prepared statement's
generic plan, the one made without the parameters' values. That plan must still use the
partial indexes over active bookings; else PostgreSQL plans every execution afresh, which on
the bench cost more than running the statement. So the statuses and the empty crew are written
into the SQL (bookings.models.IsActive, HoldsCrew), never sent as parameters."""

import datetime as dt

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from bookings.availability.calendar import vehicle_busy
from bookings.crews import crews_for_write
from bookings.locks import UpcomingAsk, share_lock_day_bays
from bookings.tests.plans import plan_indexes
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 3, 4, 2, tzinfo=dt.UTC)
END = START + dt.timedelta(hours=1)


def ran(call) -> list[tuple[str, object]]:
    """Each statement `call` sent, with its parameters, as the database got them."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return sent


def generic_plan_indexes(statement: str, params) -> set[str]:
    """The indexes of the statement's generic plan: prepared as psycopg prepares it, then
    explained as PostgreSQL plans it without any parameter's value."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(statement, params, prepare=True)
        cursor.execute(
            "SELECT name, cardinality(parameter_types) FROM pg_prepared_statements "
            "WHERE NOT from_sql ORDER BY prepare_time DESC LIMIT 1"
        )
        name, count = cursor.fetchone()
        # A generic plan depends on no value: NULL stands for each.
        cursor.execute(
            sql.SQL("EXPLAIN (FORMAT JSON) EXECUTE {}({})").format(
                sql.Identifier(name), sql.SQL(", ").join([sql.NULL] * count)
            )
        )
        (plan,) = cursor.fetchone()
        cursor.execute("RESET plan_cache_mode")
    return plan_indexes(plan)


def drop_the_cars_foreign_key_index() -> None:
    """Leave the car's partial index the only one for a car's bookings, so a generic plan that
    can use it must (which of the two the planner takes is its choice, by the statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'bookings_booking' "
            "AND indexdef LIKE '%%USING btree (vehicle_id)'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')  # rolled back with the test


def bookings_statement(sent) -> tuple[str, object]:
    (statement,) = [(text, params) for text, params in sent if "bookings_booking" in text]
    return statement


def test_an_owners_ask_reads_the_cars_bookings_through_their_index():
    vehicle = VehicleFactory()
    statement = bookings_statement(ran(lambda: vehicle_busy(vehicle, (START, END), None)))
    drop_the_cars_foreign_key_index()
    used = generic_plan_indexes(*statement)
    assert "booking_vehicle_active" in used, used


def test_a_writes_bays_statement_reads_the_bay_and_car_indexes():
    outlet = OutletFactory()
    BayFactory(outlet=outlet, capabilities=["general"])
    vehicle = VehicleFactory()

    def bays():
        share_lock_day_bays(
            outlet_id=outlet.pk,
            needed={"general"},
            start=START,
            released=END,
            day=START.date(),
            upcoming=UpcomingAsk(owner_id=vehicle.owner_id, vehicle_id=vehicle.pk, now=START),
        )

    statement = bookings_statement(ran(bays))
    drop_the_cars_foreign_key_index()
    used = generic_plan_indexes(*statement)
    assert {"booking_no_bay_overlap", "booking_vehicle_active"} <= used, used


def test_a_writes_crew_read_finds_who_is_held_through_the_crew_constraint():
    outlet = OutletFactory(plans_crews=True)
    vehicle = VehicleFactory()

    def crews():
        crews_for_write(
            outlet=outlet,
            services=[ServiceTypeFactory()],
            brand_id=vehicle.model.brand_id,
            start=START,
            end=END,
        )

    used = generic_plan_indexes(*bookings_statement(ran(crews)))
    assert "booking_no_crew_overlap" in used, used
