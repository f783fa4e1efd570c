"""In the admin, a price in force is history: read-only, not deleted; one still to come may be
corrected or withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest

from pricing.models import ServicePrice

from .factories import ServicePriceFactory

pytestmark = pytest.mark.django_db


def _change_page(admin_client, row) -> str:
    response = admin_client.get(f"/admin/pricing/serviceprice/{row.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_price_in_force_is_read_only_and_kept(admin_client):
    in_force = ServicePriceFactory(valid_from=dt.date(2026, 11, 18))
    html = _change_page(admin_client, in_force)
    assert 'name="price"' not in html
    delete = admin_client.get(f"/admin/pricing/serviceprice/{in_force.pk}/delete/")
    assert delete.status_code == 403


def test_a_price_still_to_come_may_be_corrected(admin_client):
    coming = ServicePriceFactory(valid_from=dt.date(2026, 11, 19))
    assert 'name="price"' in _change_page(admin_client, coming)
    delete = admin_client.get(f"/admin/pricing/serviceprice/{coming.pk}/delete/")
    assert delete.status_code == 200


def test_a_new_price_cannot_be_backdated_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/pricing/serviceprice/add/",
        {
            "service_type": ServicePriceFactory().service_type.pk,
            "currency": "CNY",
            "price": "10.00",
            "valid_from": "2026-11-17",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "valid_from" in response.context["adminform"].form.errors
    assert not ServicePrice.objects.filter(valid_from=dt.date(2026, 11, 17)).exists()
