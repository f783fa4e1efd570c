"""The Django admin for the outlets app: every page opens, and it enforces the week rule."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from outlets.admin import OpeningHoursInline
from outlets.models import Bay, Closure, OpeningHours, Outlet, OutletMembership, ServiceType
from outlets.tests.factories import (
    BayFactory,
    ClosureFactory,
    OutletFactory,
    OutletMembershipFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Outlet, Bay, OpeningHours, Closure, OutletMembership, ServiceType]


@pytest.fixture
def outlet():
    outlet = OutletFactory(code="SH-ADMIN-01")
    BayFactory(outlet=outlet)
    ClosureFactory(outlet=outlet, date="2030-01-01")
    OutletMembershipFactory(outlet=outlet)
    return outlet


@pytest.mark.parametrize("model", MODELS)
def test_every_model_is_registered_with_lists_filters_and_search(model):
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) >= 3
    assert model_admin.list_filter
    assert model_admin.search_fields


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_with_a_search(client, alliance_admin, outlet, model):
    client.force_login(alliance_admin)
    url = f"/admin/outlets/{model._meta.model_name}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "SH-ADMIN"}).status_code == 200


def test_outlet_page_shows_hours_and_bays_inline(client, alliance_admin, outlet):
    client.force_login(alliance_admin)
    response = client.get(f"/admin/outlets/outlet/{outlet.pk}/change/")
    assert response.status_code == 200
    assert b"opening_hours-TOTAL_FORMS" in response.content
    assert b"bays-TOTAL_FORMS" in response.content


def _hours_formset(outlet, alliance_admin, rows):
    request = RequestFactory().get("/")
    request.user = alliance_admin
    formset_class = OpeningHoursInline(Outlet, admin.site).get_formset(request, outlet)
    data = {
        "opening_hours-TOTAL_FORMS": str(len(rows)),
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
    }
    for n, (weekday, opens, closes) in enumerate(rows):
        data |= {
            f"opening_hours-{n}-weekday": weekday,
            f"opening_hours-{n}-opens": opens,
            f"opening_hours-{n}-closes": closes,
        }
    return formset_class(data=data, instance=Outlet(code="new"), prefix="opening_hours")


def test_admin_refuses_overlapping_hours_like_the_api(alliance_admin, outlet):
    formset = _hours_formset(outlet, alliance_admin, [(0, "09:00", "13:00"), (0, "12:00", "18:00")])
    assert not formset.is_valid()
    assert "overlap" in str(formset.non_form_errors())

    formset = _hours_formset(outlet, alliance_admin, [(0, "09:00", "12:00"), (0, "13:00", "18:00")])
    assert formset.is_valid(), formset.errors
