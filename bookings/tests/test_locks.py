"""bookings.locks: what a booking write reads with its locks, in as few round trips as it can —
the outlet's hours and offer with the outlet lock, the day's closure with the bay locks."""

import datetime as dt

import pytest
from django.db import transaction

from bookings.locks import (
    lock_outlet_day,
    share_lock_capable_bays,
    share_lock_day_bays,
    share_lock_outlet_serving,
)
from bookings.tests.factories import BookingFactory, next_local
from outlets.models import Capability
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import brand

pytestmark = pytest.mark.django_db


def test_the_outlet_lock_reads_the_weekly_hours_and_what_is_offered_for_the_brand():
    offered, not_offered, retired = ServiceTypeFactory(), ServiceTypeFactory(), ServiceTypeFactory()
    outlet = OutletFactory(
        services=[offered, retired],
        brands=[brand("AITO")],
        hours=[(dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(18))],
    )
    retired.is_active = False
    retired.save()
    ids = [offered.pk, not_offered.pk, retired.pk]

    serving = share_lock_outlet_serving(outlet.pk, service_ids=ids, brand_id=brand("AITO").pk)
    assert serving.offered == {offered.pk}  # not the retired one, nor the one not offered
    assert serving.authorized
    assert sorted(serving.hours) == sorted(
        (day, opens, closes)
        for day in range(7)
        for opens, closes in [(dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(18))]
    )
    other = share_lock_outlet_serving(outlet.pk, service_ids=ids, brand_id=brand("LUXEED").pk)
    assert not other.authorized
    assert share_lock_outlet_serving(outlet.pk, service_ids=ids, brand_id=None).authorized


def test_an_outlet_without_hours_or_gone_offers_nothing_and_opens_never():
    outlet = OutletFactory(hours=[])
    assert share_lock_outlet_serving(outlet.pk, service_ids=[], brand_id=None).hours == []
    gone = share_lock_outlet_serving(10**9, service_ids=[1], brand_id=None)
    assert (gone.hours, gone.offered, gone.authorized) == ([], set(), False)


def test_the_bay_locks_carry_the_days_closure_and_the_busy_flags():
    outlet = OutletFactory()
    BayFactory(outlet=outlet, name="E1", capabilities=[Capability.GENERAL, Capability.EV_BATTERY])
    general = BayFactory(outlet=outlet, name="G1")
    BayFactory(outlet=outlet, name="G0", is_active=False)
    start = next_local(10, days=3)
    BookingFactory(outlet=outlet, bay=general, start=start)
    released = start + dt.timedelta(hours=1)
    day = start.date()

    bays, closures = share_lock_day_bays(
        outlet_id=outlet.pk, needed={Capability.GENERAL}, start=start, released=released, day=day
    )
    assert [(b.name, b.busy) for b in bays] == [("G1", True), ("E1", False)]  # best fit first
    assert closures == {}
    assert bays == share_lock_capable_bays(
        outlet_id=outlet.pk, needed={Capability.GENERAL}, start=start, released=released
    )

    ClosureFactory(outlet=outlet, date=day, reason="")
    _, closures = share_lock_day_bays(
        outlet_id=outlet.pk, needed={Capability.EV_BATTERY}, start=start, released=released, day=day
    )
    assert closures == {day: ""}  # closed, with no reason given


def test_without_a_capable_bay_the_closure_is_left_for_the_caller_to_read():
    outlet = OutletFactory()
    BayFactory(outlet=outlet)
    start = next_local(10, days=3)
    ClosureFactory(outlet=outlet, date=start.date(), reason="Flood")
    bays, closures = share_lock_day_bays(
        outlet_id=outlet.pk,
        needed={Capability.BODY_PAINT},
        start=start,
        released=start + dt.timedelta(hours=1),
        day=start.date(),
    )
    assert (bays, closures) == ([], None)


def test_the_outlet_day_lock_takes_any_outlet_id_and_day(db):
    # Keys once multiplied the id into one integer: outlet 2148 and up overflowed it.
    with transaction.atomic():
        lock_outlet_day(2_000_000_000, dt.date(9999, 12, 31))
        lock_outlet_day(2_000_000_000, dt.date(9999, 12, 31))  # held already: no wait
