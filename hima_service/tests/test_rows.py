"""hima_service.rows: plain-SQL rows become the instances the ORM would load, INSERTs behave as
save() does, and the statements are prepared, counted and raise Django's exceptions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import BookingEvent, BookingService
from bookings.tests.factories import BookingFactory
from hima_service import rows
from outlets.models import Outlet
from outlets.tests.factories import OutletFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db


def test_an_instance_read_as_a_row_equals_the_orm_instance():
    booking = BookingFactory()
    event = BookingEvent.objects.create(
        booking=booking, kind=BookingEvent.Kind.CREATED, details={"bay": "B1", "n": [1, 2]}
    )
    [row] = rows.fetch_all(
        f"SELECT {rows.columns(BookingEvent, 'e')} FROM bookings_bookingevent e WHERE e.id = %s",  # noqa: S608
        [event.pk],
    )
    loaded = rows.instance(BookingEvent, row)
    orm = BookingEvent.objects.get(pk=event.pk)
    assert loaded == orm
    assert loaded.details == {"bay": "B1", "n": [1, 2]}  # the JSON converter ran
    assert {f.attname: getattr(loaded, f.attname) for f in BookingEvent._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in BookingEvent._meta.concrete_fields
    }
    assert not loaded._state.adding


def test_instances_are_read_from_an_offset_of_a_joined_row():
    outlet = OutletFactory(code="ROWS-01")
    sql = f"SELECT 42, {rows.columns(Outlet, 'o')} FROM outlets_outlet o WHERE o.code = %s"  # noqa: S608
    [row] = rows.fetch_all(sql, ["ROWS-01"])
    assert rows.instance(Outlet, row, 1).pk == outlet.pk
    assert len(row) == 1 + rows.width(Outlet)


def test_insert_sets_primary_keys_and_auto_now_fields_in_one_statement(
    django_assert_num_queries,
):
    booking = BookingFactory()
    services = [ServiceTypeFactory(), ServiceTypeFactory()]
    lines = [
        BookingService(booking=booking, service_type=s, labour_minutes=30, price=s.price)
        for s in services
    ]
    event = BookingEvent(booking=booking, kind=BookingEvent.Kind.CREATED, details={"a": 1})
    before = timezone.now()
    with django_assert_num_queries(1):
        rows.insert(lines)
    with django_assert_num_queries(1):
        rows.insert([event])
    stored_lines = BookingService.objects.filter(booking=booking, service_type__in=services)
    assert [line.pk for line in lines] == list(
        stored_lines.order_by("id").values_list("id", flat=True)
    )
    assert all(line.pk and not line._state.adding for line in lines)
    assert before <= event.created_at <= timezone.now()
    stored = BookingEvent.objects.get(pk=event.pk)
    assert (stored.details, stored.created_at) == ({"a": 1}, event.created_at)
    with django_assert_num_queries(0):
        rows.insert([])  # nothing to write, no statement


def test_a_refused_insert_raises_djangos_integrity_error_with_the_constraint_named():
    booking = BookingFactory()
    service = ServiceTypeFactory()
    rows.insert([BookingService(booking=booking, service_type=service, labour_minutes=30, price=1)])
    twice = BookingService(booking=booking, service_type=service, labour_minutes=30, price=1)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        rows.insert([twice])
    assert refused.value.__cause__.diag.constraint_name == "bookingservice_unique"
    assert twice.pk is None


def test_statements_are_prepared_on_their_second_run():
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%rows-prepared-probe%"],
            )
            return cursor.fetchone()[0]

    probe = "SELECT %s::int AS n -- rows-prepared-probe"
    assert rows.fetch_all(probe, [1]) == [(1,)]
    assert prepared() == 0
    assert rows.fetch_all(probe, [2]) == [(2,)]
    assert prepared() == 1
    with CaptureQueriesContext(connection) as logged:
        assert rows.fetch_all(probe, [3]) == [(3,)]  # executed as prepared, not again prepared
    assert prepared() == 1
    # Logged (DEBUG, tests) as written: Django's own log would show None for a prepared one.
    assert [query["sql"] for query in logged.captured_queries] == [probe]


def test_parameters_are_bound_by_the_server_not_pasted_into_the_text():
    hostile = "x'; DROP TABLE outlets_outlet; --"
    assert rows.fetch_all("SELECT %s::text", [hostile]) == [(hostile,)]
    assert rows.fetch_all("SELECT %(d)s::date + 1", {"d": dt.date(2026, 12, 31)}) == [
        (dt.date(2027, 1, 1),)
    ]


def test_insert_together_writes_several_models_in_one_statement(django_assert_num_queries):
    booking = BookingFactory()
    services = [ServiceTypeFactory() for _ in range(3)]
    lines = [
        BookingService(booking=booking, service_type=s, labour_minutes=n, price=s.price)
        for n, s in enumerate(services, start=10)
    ]
    event = BookingEvent(booking=booking, kind=BookingEvent.Kind.CREATED, details={"n": 3})
    with django_assert_num_queries(1):
        rows.insert_together(lines, [], [event])
    # Each instance got its own row's id, in order.
    assert [BookingService.objects.get(pk=line.pk).labour_minutes for line in lines] == [10, 11, 12]
    assert BookingEvent.objects.get(pk=event.pk).details == {"n": 3}
    with django_assert_num_queries(0):
        rows.insert_together([], [])
