"""outlets.services.outlet_capacity_update: a manager sets whether the outlet plans crews and
its service desk's limits (empty: no limit, else at least 1); a refused value changes nothing,
and a change counts in the outlet's version (what it offers changes)."""

import pytest
from django.core.exceptions import ValidationError

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
