"""outlets.selectors: the lookups by code every booking create starts with: the outlet by
outlet_by_code's rule, then its services."""

import pytest
from django.core.exceptions import ValidationError

from outlets.selectors import outlet_active_by_code, outlet_with_services, service_types_by_code
from outlets.tests.factories import OutletFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db


def test_the_outlet_and_its_services_come_in_two_queries_in_the_order_asked(
    django_assert_num_queries,
):
    outlet = OutletFactory(code="SH-ONE-01")
    oil, tyres = ServiceTypeFactory(code="oil"), ServiceTypeFactory(code="tyres")
    with django_assert_num_queries(2):
        found, services = outlet_with_services("sh-one-01", ["tyres", "oil", "tyres"])
    assert found == outlet
    assert services == [tyres, oil]  # as asked, the repeat dropped
    assert services == service_types_by_code(["tyres", "oil", "tyres"])


def test_an_unknown_outlet_is_none_whatever_the_services():
    assert outlet_with_services("NOWHERE-01", ["no-such-service"]) == (None, [])
    OutletFactory(code="SH-OFF-01", is_active=False)
    assert outlet_with_services("SH-OFF-01", ["no-such-service"]) == (None, [])


def test_unknown_or_retired_services_are_named_on_the_field():
    outlet = OutletFactory(code="SH-TWO-01")
    ServiceTypeFactory(code="oil")
    ServiceTypeFactory(code="old", is_active=False)
    with pytest.raises(ValidationError) as refused:
        outlet_with_services(outlet.code, ["oil", "old", "warp"])
    assert refused.value.message_dict == {"services": ["Unknown service: old, warp."]}
    with pytest.raises(ValidationError) as empty:
        outlet_with_services(outlet.code, [])
    assert empty.value.message_dict == {"services": ["Choose at least one service."]}


def test_the_exact_spelling_of_a_code_wins_over_another_case():
    upper = OutletFactory(code="SH-CASE-01")
    lower = OutletFactory(code="sh-case-01")
    ServiceTypeFactory(code="oil")
    assert outlet_with_services("sh-case-01", ["oil"])[0] == lower
    assert outlet_with_services("SH-CASE-01", ["oil"])[0] == upper
    assert outlet_active_by_code("Sh-Case-01") == upper  # else the first by code
