"""outlets.services.outlet_capacity_update: a manager sets whether the outlet plans crews and
its service desk's limits (empty: no limit, else at least 1); a refused value changes nothing,
and a change counts in the outlet's version (what it offers changes). Crews are planned only
once no upcoming booking was planned by bays alone."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from crews.tests.factories import TechnicianFactory
from hima_service.exceptions import Conflict
from outlets.models import Outlet
from outlets.services import outlet_capacity_update
from outlets.tests.factories import OutletFactory
from outlets.versions import outlet_versions

pytestmark = pytest.mark.django_db


def _saved(outlet: Outlet) -> tuple[bool, int | None, int | None]:
    row = Outlet.objects.get(pk=outlet.pk)
    return row.plans_crews, row.desk_per_slot, row.desk_per_day


def test_the_three_settings_are_saved():
    outlet = OutletFactory()
    returned = outlet_capacity_update(
        outlet=outlet, plans_crews=True, desk_per_slot=3, desk_per_day=40
    )
    assert _saved(outlet) == (True, 3, 40)
    assert (returned.plans_crews, outlet.desk_per_slot, outlet.desk_per_day) == (True, 3, 40)


def test_none_lifts_a_limit():
    outlet = OutletFactory(desk_per_slot=2, desk_per_day=20)
    outlet_capacity_update(outlet=outlet, desk_per_slot=None, desk_per_day=None)
    assert _saved(outlet) == (False, None, None)


def test_what_is_not_given_is_left_as_it_is():
    outlet = OutletFactory(plans_crews=True, desk_per_slot=2, desk_per_day=20)
    outlet_capacity_update(outlet=outlet, desk_per_day=25)
    assert _saved(outlet) == (True, 2, 25)


@pytest.mark.parametrize("field", ["desk_per_slot", "desk_per_day"])
@pytest.mark.parametrize("value", [0, -1, 32768])
def test_a_limit_below_one_or_too_large_is_refused_on_its_field(field, value):
    outlet = OutletFactory(desk_per_slot=2, desk_per_day=20)
    with pytest.raises(ValidationError) as refused:
        outlet_capacity_update(outlet=outlet, plans_crews=True, **{field: value})
    assert refused.value.message_dict == {
        field: ["Give at least 1 car, or leave it empty for no limit."]
    }
    assert _saved(outlet) == (False, 2, 20)


def test_a_change_counts_in_the_outlets_version():
    outlet = OutletFactory()
    before = outlet_versions([outlet.pk])[outlet.pk]
    outlet_capacity_update(outlet=outlet, desk_per_day=12)
    assert outlet_versions([outlet.pk])[outlet.pk] > before


def test_crews_are_not_planned_over_upcoming_bookings_that_hold_none():
    outlet = OutletFactory()
    booked = BookingFactory(outlet=outlet, start=next_local(10, days=2))  # by bays alone

    with pytest.raises(Conflict) as refused:
        outlet_capacity_update(outlet=outlet, plans_crews=True, desk_per_day=12)

    assert booked.reference in str(refused.value.detail)
    assert "1 upcoming booking" in str(refused.value.detail)
    assert refused.value.fields == {"plans_crews": ["Upcoming bookings hold no crew."]}
    assert _saved(outlet) == (False, None, None)
    assert outlet.plans_crews is False


def test_crews_are_planned_once_no_upcoming_booking_lacks_one():
    outlet = OutletFactory()
    technician = TechnicianFactory(outlet=outlet)
    BookingFactory(outlet=outlet, start=next_local(10, days=2), crew=[technician.pk])
    BookingFactory(outlet=outlet, start=next_local(12, days=2), status=Booking.Status.CANCELLED)
    over = timezone.now() - dt.timedelta(hours=3)
    BookingFactory(
        outlet=outlet,
        start=over,
        end=over + dt.timedelta(hours=1),
        status=Booking.Status.COMPLETED,
    )

    outlet_capacity_update(outlet=outlet, plans_crews=True)

    assert _saved(outlet) == (True, None, None)


def test_an_outlet_already_planning_crews_saves_its_desk_whatever_its_bookings_hold():
    outlet = OutletFactory(plans_crews=True)
    BookingFactory(outlet=outlet, start=next_local(10, days=2))

    outlet_capacity_update(outlet=outlet, plans_crews=True, desk_per_day=12)

    assert _saved(outlet) == (True, None, 12)
