"""OutletVersion is counted by the database: every write that shapes what an outlet offers adds
one to that outlet's version, in the writer's transaction, whoever writes."""

import datetime as dt

import pytest
from django.db import transaction

from outlets.models import Bay, Closure, OpeningHours, Outlet
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from outlets.versions import outlet_versions
from vehicles.tests.factories import brand

pytestmark = pytest.mark.django_db


def version(outlet) -> int:
    return outlet_versions([outlet.pk])[outlet.pk]


@pytest.fixture
def outlet():
    return OutletFactory()


def test_an_outlet_nothing_has_changed_at_is_version_zero():
    assert outlet_versions([987654321]) == {987654321: 0}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda o: ClosureFactory(outlet=o, date=dt.date(2031, 1, 2)), id="closed"),
        pytest.param(lambda o: BayFactory(outlet=o), id="bay added"),
        pytest.param(lambda o: Bay.objects.filter(outlet=o).update(is_active=False), id="bay"),
        pytest.param(lambda o: OpeningHours.objects.filter(outlet=o).delete(), id="hours"),
        pytest.param(lambda o: o.services.add(ServiceTypeFactory()), id="service offered"),
        pytest.param(lambda o: o.brands.remove(brand("AITO")), id="brand withdrawn"),
        pytest.param(
            lambda o: Outlet.objects.filter(pk=o.pk).update(slot_step_minutes=15), id="row"
        ),
    ],
)
def test_each_change_to_what_an_outlet_offers_counts(outlet, change):
    BayFactory(outlet=outlet)
    before = version(outlet)

    change(outlet)

    assert version(outlet) == before + 1


def test_reopening_a_closed_day_counts(outlet):
    ClosureFactory(outlet=outlet, date=dt.date(2031, 1, 2))
    before = version(outlet)

    Closure.objects.filter(outlet=outlet).delete()

    assert version(outlet) == before + 1


def test_one_statement_over_two_outlets_counts_once_for_each(outlet):
    other = OutletFactory()
    before = outlet_versions([outlet.pk, other.pk])

    OpeningHours.objects.filter(outlet__in=[outlet, other]).update(closes=dt.time(17))

    assert outlet_versions([outlet.pk, other.pk]) == {
        outlet.pk: before[outlet.pk] + 1,
        other.pk: before[other.pk] + 1,
    }


def test_a_write_rolled_back_leaves_the_version(outlet):
    before = version(outlet)

    def close_then_fail() -> None:
        with transaction.atomic():
            ClosureFactory(outlet=outlet, date=dt.date(2031, 1, 2))
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        close_then_fail()

    assert version(outlet) == before


def test_other_outlets_are_untouched(outlet):
    other = OutletFactory()
    before = version(other)

    ClosureFactory(outlet=outlet, date=dt.date(2031, 1, 2))

    assert version(other) == before


def test_an_outlet_with_hours_bays_and_closures_can_still_be_deleted(outlet):
    BayFactory(outlet=outlet)
    ClosureFactory(outlet=outlet, date=dt.date(2031, 1, 2))

    outlet.delete()

    assert not Outlet.objects.filter(pk=outlet.pk).exists()
