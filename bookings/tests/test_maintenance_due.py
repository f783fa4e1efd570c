"""Maintenance due, on constructed vehicle histories: by time, by estimated mileage, once a month.

The AITO M7 (the factories' default model) has a 12-month / 10,000 km interval; a vehicle is
due within 30 days or 1,000 km of it.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.models import Booking, Notification
from bookings.notify.maintenance import maintenance_due_record, maintenance_due_vehicles
from bookings.tests.factories import BookingFactory
from outlets.models import ServiceType
from outlets.tests.factories import ServiceTypeFactory
from vehicles.models import OdometerReading
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=SHANGHAI)


def readings(vehicle, *points: tuple[str, int]) -> None:
    OdometerReading.objects.bulk_create(
        OdometerReading(vehicle=vehicle, km=km, recorded_at=at(day)) for day, km in points
    )


def completed(vehicle, day: str, *, maintenance: bool = True) -> Booking:
    service = ServiceTypeFactory(
        code="annual-maintenance" if maintenance else "brake-repair",
        category=ServiceType.Category.MAINTENANCE if maintenance else ServiceType.Category.REPAIR,
        counts_as_maintenance=maintenance,
    )
    return BookingFactory(
        vehicle=vehicle,
        start=at(day),
        end=at(day) + dt.timedelta(hours=1),
        status=Booking.Status.COMPLETED,
        completed_at=at(day) + dt.timedelta(hours=1),
        services=[service],
    )


def delivered(day: str | None, **kwargs):
    return VehicleFactory(
        delivery_date=dt.date.fromisoformat(day) if day else None, odometer_km=3000, **kwargs
    )


def history_due_by_time_16_days_ahead():
    return delivered("2025-07-01")


def history_due_by_time_78_days_ahead():
    return delivered("2025-09-01")


def history_serviced_in_january_driving_64_km_a_day():
    vehicle = delivered("2024-03-01")
    completed(vehicle, "2026-01-10")
    readings(vehicle, ("2026-01-10", 20000), ("2026-05-15", 28000))  # +31 days → ~9,984 km
    return vehicle


def history_serviced_in_january_driving_little():
    vehicle = delivered("2024-03-01")
    completed(vehicle, "2026-01-10")
    readings(vehicle, ("2026-01-10", 20000), ("2026-05-15", 22000))
    return vehicle


def history_only_a_repair_since_delivery():
    vehicle = delivered("2025-06-01")
    completed(vehicle, "2026-01-10", maintenance=False)
    return vehicle


def history_no_delivery_date_first_reading_a_year_ago():
    vehicle = delivered(None)
    readings(vehicle, ("2025-06-20", 100))
    return vehicle


def history_nothing_known():
    return delivered(None)


def history_one_reading_100_km_a_day_since_delivery():
    vehicle = delivered("2026-01-01")
    readings(vehicle, ("2026-03-01", 5900))  # 59 days → 100 km/day; +106 days → 16,500 km
    return vehicle


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (history_due_by_time_16_days_ahead, ("time", "2026-07-01")),
        (history_due_by_time_78_days_ahead, None),
        (history_serviced_in_january_driving_64_km_a_day, ("km", "2027-01-10")),
        (history_serviced_in_january_driving_little, None),
        (history_only_a_repair_since_delivery, ("time", "2026-06-01")),
        (history_no_delivery_date_first_reading_a_year_ago, ("time", "2026-06-20")),
        (history_nothing_known, None),
        (history_one_reading_100_km_a_day_since_delivery, ("km", "2027-01-01")),
    ],
)
def test_due_selection_on_constructed_histories(history, expected):
    vehicle = history()
    found = {due.vehicle.pk: due for due in maintenance_due_vehicles(today=TODAY)}
    if expected is None:
        assert vehicle.pk not in found
        return
    due = found[vehicle.pk]
    assert (due.due_by, due.due_on.isoformat()) == expected


def test_estimated_mileage_is_reported():
    vehicle = history_serviced_in_january_driving_64_km_a_day()
    (due,) = [d for d in maintenance_due_vehicles(today=TODAY) if d.vehicle.pk == vehicle.pk]
    # 8,000 km over 125 days = 64 km/day; 31 days since the last reading.
    assert due.estimated_km_since == 8000 + round(64 * 31)


def book_maintenance(vehicle, start: dt.datetime) -> None:
    BookingFactory(
        vehicle=vehicle,
        start=start,
        end=start + dt.timedelta(hours=1),
        services=[ServiceTypeFactory(code="annual-maintenance", counts_as_maintenance=True)],
    )


def test_upcoming_is_judged_on_the_day_asked_not_on_the_clock():
    # A maintenance booking three days after TODAY: long past by the wall clock of this run.
    vehicle = history_due_by_time_16_days_ahead()
    start = at("2026-06-18")
    book_maintenance(vehicle, start)
    assert vehicle.pk not in {d.vehicle.pk for d in maintenance_due_vehicles(today=TODAY)}
    # …and from the day after it ended, the vehicle counts as due again (it never came).
    after = dt.date(2026, 6, 19)
    assert vehicle.pk in {d.vehicle.pk for d in maintenance_due_vehicles(today=after)}


def test_an_upcoming_maintenance_booking_means_not_due():
    vehicle = history_due_by_time_16_days_ahead()
    start = timezone.now() + dt.timedelta(days=3)
    book_maintenance(vehicle, start)
    assert vehicle.pk not in {d.vehicle.pk for d in maintenance_due_vehicles(today=TODAY)}


def run(day: str, hour: int = 9) -> int:
    """The daily beat run on that local day."""
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)
    return maintenance_due_record(now=moment)


def maintenance_rows(vehicle):
    return Notification.objects.filter(vehicle=vehicle, kind=Notification.Kind.MAINTENANCE_DUE)


def test_at_most_one_notification_per_vehicle_and_channel_a_month():
    vehicle = history_due_by_time_16_days_ahead()

    assert run("2026-06-01") == 2  # SMS and e-mail
    assert run("2026-06-01", hour=10) == 0
    assert run("2026-06-30") == 0
    assert run("2026-07-01") == 2

    rows = maintenance_rows(vehicle)
    assert rows.count() == 4
    assert sorted({n.context["month"] for n in rows}) == ["2026-06", "2026-07"]
    sms = rows.filter(channel="sms").first()
    assert sms.recipient == vehicle.owner
    assert sms.booking is None
    assert sms.context["due_by"] == "time"


@pytest.mark.parametrize(
    ("first", "then", "again"),
    [
        ("2026-01-31", ["2026-02-01", "2026-02-28", "2026-03-01"], "2026-03-02"),
        ("2026-06-30", ["2026-07-01", "2026-07-29"], "2026-07-30"),
    ],
)
def test_no_second_reminder_within_30_days_across_a_month_end(first, then, again):
    # Due since 2026-01-15 (a year after delivery), so every run below finds it due.
    vehicle = delivered("2025-01-15")

    assert run(first) == 2
    for day in then:  # a new calendar month, but within 30 days of the last reminder
        assert run(day) == 0, day
    assert run(again) == 2  # 30 days on

    months = sorted(maintenance_rows(vehicle).values_list("context__month", flat=True))
    assert months == sorted([first[:7], again[:7]] * 2)


def test_a_recent_reminder_holds_back_only_its_own_vehicle():
    reminded = delivered("2025-01-15")
    assert run("2026-01-31") == 2
    registered_since = delivered("2025-01-20")
    assert run("2026-02-01") == 2
    assert maintenance_rows(reminded).count() == 2
    assert maintenance_rows(registered_since).count() == 2


def test_opted_out_owner_gets_nothing():
    vehicle = history_due_by_time_16_days_ahead()
    vehicle.owner.sms_notifications = vehicle.owner.email_notifications = False
    vehicle.owner.save()
    assert maintenance_due_record(today=TODAY) == 0


def test_selection_reads_a_fleet_in_a_few_queries(django_assert_max_num_queries):
    for _ in range(6):
        history_serviced_in_january_driving_64_km_a_day()
        history_due_by_time_16_days_ahead()
    with django_assert_max_num_queries(3):
        due = list(maintenance_due_vehicles(today=TODAY))
        owners = [d.vehicle.owner.username for d in due]
        models = [d.vehicle.model.brand.code for d in due]
    assert len(due) == len(owners) == len(models) == 12


def test_a_delivery_date_out_of_the_calendar_is_logged_and_the_scan_goes_on(caplog):
    # Saved before delivery dates were validated (the factory writes what the API now refuses):
    # its interval ends in the year 10000, past Python's calendar. It is scanned first (lower id).
    broken = VehicleFactory(delivery_date=dt.date.max)
    today = timezone.localdate()
    due = delivered((today - dt.timedelta(days=365)).isoformat())

    with caplog.at_level(logging.WARNING, logger="bookings.notify.maintenance"):
        assert maintenance_due_record(today=today) == 2  # SMS and e-mail, for the next car

    assert maintenance_rows(due).count() == 2
    assert not maintenance_rows(broken).exists()
    logged = [r for r in caplog.records if r.name == "bookings.notify.maintenance"]
    assert [r.getMessage() for r in logged] == [
        f"Vehicle {broken.pk}: maintenance not assessed (a date out of range)"
    ]
