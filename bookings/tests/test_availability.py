"""The availability engine, one rule per test, with a fixed `now` (never frozen time)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability.engine import free_starts
from bookings.availability.rules import validate_bookable
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import Capability
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI)  # a Monday morning
DAY = dt.date(2027, 3, 2)  # Tuesday


def at(day: dt.date, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def hhmm(starts: list[dt.datetime]) -> list[str]:
    return [f"{start:%H:%M}" for start in starts]


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60, capability=Capability.GENERAL)


@pytest.fixture
def outlet(oil):
    outlet = OutletFactory(services=[oil])
    BayFactory(outlet=outlet, name="G1")
    return outlet


def starts_of(outlet, services, day=DAY, **kwargs):
    kwargs.setdefault("now", NOW)
    return free_starts(outlet=outlet, services=services, date_from=day, date_to=day, **kwargs)


def test_starts_fill_each_opening_interval_and_skip_the_lunch_break(oil):
    long = ServiceTypeFactory(code="t-long", labour_minutes=90)
    outlet = OutletFactory(
        services=[oil, long], hours=[(dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))]
    )
    BayFactory(outlet=outlet)

    assert hhmm(starts_of(outlet, [oil])) == [
        "09:00", "09:30", "10:00", "10:30", "11:00",
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00",
    ]  # fmt: skip
    # 90 minutes never straddle the lunch break: 10:30 is the morning's last start.
    assert hhmm(starts_of(outlet, [long]))[:5] == ["09:00", "09:30", "10:00", "10:30", "13:00"]
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[long], start=at(DAY, 11), now=NOW)
    assert "09:00–12:00, 13:00–18:00" in error.value.message_dict["start"][0]


def test_no_start_on_a_closure_day(outlet, oil):
    ClosureFactory(outlet=outlet, date=DAY, reason="Spring Festival")

    assert starts_of(outlet, [oil]) == []
    assert starts_of(outlet, [oil], day=DAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=at(DAY, 10), now=NOW)
    assert error.value.message_dict == {
        "start": [f"{outlet.name} is closed on 2027-03-02 (Spring Festival)."]
    }


def test_starts_follow_the_slot_step_from_the_opening(oil):
    outlet = OutletFactory(services=[oil], slot_step_minutes=45, hours=[(dt.time(9), dt.time(12))])
    BayFactory(outlet=outlet)

    assert hhmm(starts_of(outlet, [oil])) == ["09:00", "09:45", "10:30"]
    validate_bookable(outlet=outlet, services=[oil], start=at(DAY, 9, 45), now=NOW)
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=at(DAY, 9, 30), now=NOW)
    assert "45-minute slots" in error.value.message_dict["start"][0]


def test_starts_are_at_least_one_hour_ahead(outlet, oil):
    now = at(DAY, 9, 10)

    assert hhmm(starts_of(outlet, [oil], now=now))[:2] == ["10:30", "11:00"]
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=at(DAY, 10), now=now)
    assert error.value.message_dict == {"start": ["Book at least 1 hour ahead."]}


def test_starts_are_at_most_sixty_days_ahead(outlet, oil):
    now = at(DAY, 10)
    last_day = DAY + dt.timedelta(days=60)

    # The horizon ends at the same instant sixty days later: 10:00 is the last start.
    assert hhmm(starts_of(outlet, [oil], day=last_day, now=now)) == ["09:00", "09:30", "10:00"]
    beyond = last_day + dt.timedelta(days=1)
    assert starts_of(outlet, [oil], day=beyond, now=now) == []
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=at(last_day, 10, 30), now=now)
    assert error.value.message_dict == {"start": ["Bookings open at most 60 days ahead."]}


@pytest.mark.parametrize(
    ("bays", "needed", "bookable"),
    [
        ([[Capability.GENERAL]], [Capability.EV_BATTERY], False),
        ([[Capability.GENERAL, Capability.EV_BATTERY]], [Capability.EV_BATTERY], True),
        # Two services need one bay that can do both: two half-capable bays are not enough.
        ([[Capability.GENERAL], [Capability.EV_BATTERY]], ["general", "ev_battery"], False),
        ([[Capability.GENERAL], ["general", "ev_battery"]], ["general", "ev_battery"], True),
    ],
    ids=["missing", "superset-bay", "split-across-bays", "one-bay-does-both"],
)
def test_capability_matching(bays, needed, bookable):
    services = [
        ServiceTypeFactory(code=f"t-{capability}", capability=capability) for capability in needed
    ]
    outlet = OutletFactory(services=services)
    for capabilities in bays:
        BayFactory(outlet=outlet, capabilities=capabilities)

    if bookable:
        assert starts_of(outlet, services)
        validate_bookable(outlet=outlet, services=services, start=at(DAY, 10), now=NOW)
    else:
        with pytest.raises(ValidationError) as error:
            starts_of(outlet, services)
        assert "No bay at" in error.value.message_dict["services"][0]
        with pytest.raises(ValidationError) as error:
            validate_bookable(outlet=outlet, services=services, start=at(DAY, 10), now=NOW)
        assert list(error.value.message_dict) == ["services"]


def test_the_outlet_must_be_authorized_for_the_vehicles_brand(oil):
    outlet = OutletFactory(services=[oil], brands=[brand("AITO")])
    BayFactory(outlet=outlet)
    aito = VehicleFactory(model=vehicle_model("aito-m7"))
    luxeed = VehicleFactory(model=vehicle_model("luxeed-s7"))

    assert starts_of(outlet, [oil], vehicle=aito)
    with pytest.raises(ValidationError) as error:
        starts_of(outlet, [oil], vehicle=luxeed)
    assert error.value.message_dict == {
        "vehicle": [f"{outlet.name} is not authorized to service Luxeed vehicles."]
    }
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=at(DAY, 10), vehicle=luxeed, now=NOW)
    assert list(error.value.message_dict) == ["vehicle"]


def test_every_service_must_be_offered(outlet, oil):
    tyres = ServiceTypeFactory(code="t-tyres", name="Tyre change")

    with pytest.raises(ValidationError) as error:
        starts_of(outlet, [oil, tyres])
    assert error.value.message_dict == {"services": [f"{outlet.name} does not offer Tyre change."]}
    with pytest.raises(ValidationError):
        validate_bookable(outlet=outlet, services=[tyres], start=at(DAY, 10), now=NOW)


def test_a_booking_on_one_of_two_bays_leaves_the_other(outlet, oil):
    second = BayFactory(outlet=outlet, name="G2")
    BookingFactory(outlet=outlet, bay=outlet.bays.get(name="G1"), start=at(DAY, 10))

    assert "10:00" in hhmm(starts_of(outlet, [oil]))

    BookingFactory(outlet=outlet, bay=second, start=at(DAY, 10))
    starts = hhmm(starts_of(outlet, [oil]))
    assert "09:30" not in starts  # 09:30–10:30 would overlap
    assert "10:00" not in starts
    assert "09:00" in starts
    assert "11:00" in starts


def test_cancelled_bookings_and_inactive_bays_do_not_count(outlet, oil):
    BookingFactory(
        outlet=outlet, bay=outlet.bays.get(), start=at(DAY, 10), status=Booking.Status.CANCELLED
    )
    BayFactory(outlet=outlet, name="OFF", is_active=False)

    assert "10:00" in hhmm(starts_of(outlet, [oil]))


def test_the_vehicles_own_booking_elsewhere_blocks_those_starts(outlet, oil):
    vehicle = VehicleFactory()
    BookingFactory(vehicle=vehicle, start=at(DAY, 14))  # at another outlet

    mine = hhmm(starts_of(outlet, [oil], vehicle=vehicle))
    assert "13:00" in mine
    assert "13:30" not in mine
    assert "14:30" not in mine
    assert "15:00" in mine
    assert "14:00" in hhmm(starts_of(outlet, [oil]))  # for anyone else the outlet is free


def test_turnover_time_separates_two_bookings_on_a_bay(oil):
    outlet = OutletFactory(services=[oil], turnover_minutes=30)
    bay = BayFactory(outlet=outlet)
    BookingFactory(
        outlet=outlet,
        bay=bay,
        start=at(DAY, 11),
        end=at(DAY, 12),
        bay_released_at=at(DAY, 12, 30),
    )

    starts = hhmm(starts_of(outlet, [oil]))
    assert starts[:2] == ["09:00", "09:30"]  # 09:30–10:30, bay ready again at 11:00
    assert "10:00" not in starts  # its turnover would run into 11:00
    assert "12:00" not in starts
    assert "12:30" in starts


def test_a_reschedule_may_see_its_own_slot_as_free(outlet, oil):
    booking = BookingFactory(outlet=outlet, bay=outlet.bays.get(), start=at(DAY, 10))

    assert "10:00" not in hhmm(starts_of(outlet, [oil], vehicle=booking.vehicle))
    assert "10:00" in hhmm(
        starts_of(outlet, [oil], vehicle=booking.vehicle, ignore_booking=booking)
    )


def test_spring_forward_day_in_berlin_has_no_start_in_the_skipped_hour(oil):
    outlet = OutletFactory(
        code="DE-BERLIN-01", time_zone="Europe/Berlin", services=[oil],
        hours=[(dt.time(0), dt.time(6))],
    )  # fmt: skip
    BayFactory(outlet=outlet)
    day = dt.date(2027, 3, 28)  # 02:00 CET jumps to 03:00 CEST

    starts = starts_of(outlet, [oil], day=day, now=at(day, 0, tz=BERLIN) - dt.timedelta(days=1))

    assert [start.isoformat() for start in starts] == [
        "2027-03-28T00:00:00+01:00",
        "2027-03-28T00:30:00+01:00",
        "2027-03-28T01:00:00+01:00",
        "2027-03-28T01:30:00+01:00",  # ends 03:30 CEST: one real hour later
        "2027-03-28T03:00:00+02:00",
        "2027-03-28T03:30:00+02:00",
        "2027-03-28T04:00:00+02:00",
        "2027-03-28T04:30:00+02:00",
        "2027-03-28T05:00:00+02:00",
    ]
    assert all(start.tzinfo == BERLIN for start in starts)


def test_fall_back_day_in_berlin_lists_each_real_instant_of_the_repeated_hour_once(oil):
    outlet = OutletFactory(
        code="DE-BERLIN-02", time_zone="Europe/Berlin", services=[oil],
        hours=[(dt.time(0), dt.time(6))],
    )  # fmt: skip
    BayFactory(outlet=outlet)
    day = dt.date(2027, 10, 31)  # 03:00 CEST falls back to 02:00 CET

    starts = starts_of(outlet, [oil], day=day, now=at(day, 0, tz=BERLIN) - dt.timedelta(days=1))

    assert [start.isoformat() for start in starts] == [
        "2027-10-31T00:00:00+02:00",
        "2027-10-31T00:30:00+02:00",
        "2027-10-31T01:00:00+02:00",
        "2027-10-31T01:30:00+02:00",
        "2027-10-31T02:00:00+02:00",
        "2027-10-31T02:30:00+02:00",
        "2027-10-31T02:00:00+01:00",
        "2027-10-31T02:30:00+01:00",
        "2027-10-31T03:00:00+01:00",
        "2027-10-31T03:30:00+01:00",
        "2027-10-31T04:00:00+01:00",
        "2027-10-31T04:30:00+01:00",
        "2027-10-31T05:00:00+01:00",
    ]
    instants = [start.timestamp() for start in starts]
    assert instants == sorted(set(instants))  # strictly increasing: each real instant once
    # A booking in the first 02:00 blocks that instant only, not the second 02:00.
    bay = outlet.bays.get()
    first_two = dt.datetime(2027, 10, 31, 0, 0, tzinfo=dt.UTC)  # 02:00+02:00
    BookingFactory(outlet=outlet, bay=bay, start=first_two, end=first_two + dt.timedelta(hours=1))
    isos = [
        s.isoformat()
        for s in starts_of(outlet, [oil], day=day, now=at(day, 0, tz=BERLIN) - dt.timedelta(days=1))
    ]
    assert "2027-10-31T02:00:00+02:00" not in isos
    assert "2027-10-31T02:30:00+01:00" in isos


def test_shanghai_starts_carry_the_plus_eight_offset(outlet, oil):
    starts = starts_of(outlet, [oil])

    assert starts[0].isoformat() == "2027-03-02T09:00:00+08:00"
    assert starts[-1].isoformat() == "2027-03-02T17:00:00+08:00"
    assert {start.utcoffset() for start in starts} == {dt.timedelta(hours=8)}


def test_validate_bookable_accepts_a_start_given_in_another_offset(outlet, oil):
    # 02:00 UTC is 10:00 in Shanghai: the same instant, any offset.
    validate_bookable(
        outlet=outlet, services=[oil], start=dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC), now=NOW
    )


@pytest.mark.parametrize(
    ("start", "field"),
    [
        (dt.datetime(2027, 3, 2, 10), "start"),  # naive
        (at(DAY, 8, 30), "start"),  # before opening
        (at(DAY, 17, 30), "start"),  # ends after closing
        (at(DAY, 10, 10), "start"),  # off the step
    ],
    ids=["naive", "before-opening", "past-closing", "off-step"],
)
def test_validate_bookable_refuses_a_bad_start(outlet, oil, start, field):
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=start, now=NOW)
    assert list(error.value.message_dict) == [field]


def test_range_over_31_days_or_reversed_is_refused(outlet, oil):
    with pytest.raises(ValidationError) as error:
        free_starts(
            outlet=outlet,
            services=[oil],
            date_from=DAY,
            date_to=DAY + dt.timedelta(days=31),
            now=NOW,
        )
    assert list(error.value.message_dict) == ["date_to"]
    with pytest.raises(ValidationError):
        free_starts(
            outlet=outlet, services=[oil], date_from=DAY, date_to=DAY - dt.timedelta(1), now=NOW
        )


def _fill(outlet, *, bays: int, count: int) -> None:
    """`count` one-hour bookings over the week on `bays` bays, one vehicle per bay."""
    bay_list = [BayFactory(outlet=outlet, name=f"F{n}") for n in range(bays)]
    vehicles = [VehicleFactory() for _ in bay_list]
    rows = []
    for n in range(count):
        bay_index, slot = n % bays, n // bays
        day, hour = DAY + dt.timedelta(days=slot // 9), 9 + slot % 9
        start = at(day, hour)
        rows.append(
            Booking(
                reference=f"HS-Q{n:05d}",
                owner=vehicles[bay_index].owner,
                vehicle=vehicles[bay_index],
                outlet=outlet,
                bay=bay_list[bay_index],
                start=start,
                end=start + dt.timedelta(hours=1),
                bay_released_at=start + dt.timedelta(hours=1),
            )
        )
    Booking.objects.bulk_create(rows)


def test_query_count_of_a_week_is_the_same_with_0_and_500_bookings(
    oil, django_assert_max_num_queries
):
    empty = OutletFactory(services=[oil])
    busy = OutletFactory(services=[oil])
    BayFactory(outlet=empty)
    _fill(busy, bays=8, count=500)
    assert Booking.objects.filter(outlet=busy).count() == 500
    vehicle = VehicleFactory()
    week = {"date_from": DAY, "date_to": DAY + dt.timedelta(days=6), "now": NOW}

    counts = []
    for outlet in (empty, busy):
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(7):
            starts = free_starts(outlet=outlet, services=[oil], vehicle=vehicle, **week)
        counts.append(len(queries))
        assert starts

    assert counts[0] == counts[1]
    # 8 bays, ~8 bookings a slot at the busy one: some starts left, fewer than at the empty one.
    assert len(free_starts(outlet=busy, services=[oil], **week)) < len(
        free_starts(outlet=empty, services=[oil], **week)
    )


# --- dates at the ends of the calendar: empty or a field error, never an OverflowError -------

MINUS_FIVE = dt.timezone(dt.timedelta(hours=-5))


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (dt.date(9999, 12, 30), dt.date(9999, 12, 31)),
        (dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
        (dt.date(1, 1, 1), dt.date(1, 1, 1)),
        (dt.date(1, 1, 1), dt.date(1, 1, 31)),
        (DAY - dt.timedelta(days=10), DAY - dt.timedelta(days=2)),  # past
        (DAY + dt.timedelta(days=62), DAY + dt.timedelta(days=70)),  # beyond the horizon
    ],
    ids=["last-days", "last-month", "first-day", "first-month", "past", "beyond-60-days"],
)
def test_dates_outside_the_bookable_span_have_no_starts_and_load_no_calendar(
    outlet, oil, date_from, date_to, django_assert_max_num_queries
):
    # The offered-services and brand checks only: no hours, closures, bays or bookings.
    with django_assert_max_num_queries(1):
        assert (
            free_starts(
                outlet=outlet, services=[oil], date_from=date_from, date_to=date_to, now=NOW
            )
            == []
        )


def test_a_range_reaching_past_the_horizon_keeps_the_bookable_part(outlet, oil):
    now = at(DAY, 10)
    last_day = DAY + dt.timedelta(days=60)

    starts = free_starts(
        outlet=outlet,
        services=[oil],
        date_from=last_day - dt.timedelta(days=1),
        date_to=last_day + dt.timedelta(days=29),
        now=now,
    )

    assert {start.date() for start in starts} == {last_day - dt.timedelta(days=1), last_day}
    assert hhmm(starts)[-3:] == ["09:00", "09:30", "10:00"]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (dt.datetime(9999, 12, 31, 10, tzinfo=SHANGHAI), "Bookings open at most 60 days ahead."),
        (dt.datetime(9999, 12, 31, 23, tzinfo=MINUS_FIVE), "Bookings open at most 60 days ahead."),
        (dt.datetime(1, 1, 1, 5, tzinfo=SHANGHAI), "Book at least 1 hour ahead."),
        (dt.datetime(1, 1, 1, tzinfo=dt.UTC), "Book at least 1 hour ahead."),
    ],
    ids=["last-day", "last-instant-beyond-utc", "first-day-before-utc", "first-instant"],
)
def test_a_start_at_the_ends_of_the_calendar_is_a_field_error(outlet, oil, start, message):
    with pytest.raises(ValidationError) as error:
        validate_bookable(outlet=outlet, services=[oil], start=start, now=NOW)

    assert error.value.message_dict == {"start": [message]}
