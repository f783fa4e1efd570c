"""Delivery dates on the owner pages: the add form refuses a day outside the alliance's era with
the API's own message, and a date that slipped in before the rule existed never breaks the
"My vehicles" page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, valid_vin, vehicle_model
from vehicles.validators import EARLIEST_DELIVERY

pytestmark = pytest.mark.django_db


def signed_in(**user) -> tuple[Client, object]:
    owner = UserFactory(**user)
    client = Client()
    client.force_login(owner)
    return client, owner


def add(client: Client, delivery_date: dt.date, **headers):
    return client.post(
        "/vehicles/add/",
        {
            "vin": valid_vin(41),
            "model": vehicle_model("aito-m7").pk,
            "odometer_km": 10,
            "delivery_date": delivery_date.isoformat(),
        },
        **headers,
    )


def test_the_add_form_refuses_a_future_delivery_date(client):
    client, _ = signed_in(language="en")
    response = add(client, timezone.localdate() + dt.timedelta(days=1))

    assert response.status_code == 400
    assert response.context["form"].errors["delivery_date"] == [
        "The delivery date cannot be in the future."
    ]
    assert not Vehicle.objects.exists()


def test_the_add_form_refuses_a_date_before_the_first_deliveries_in_chinese(client):
    client, _ = signed_in(language="zh-hans")
    response = add(client, dt.date.min)

    assert response.status_code == 400
    message = f"交付日期不能早于 {EARLIEST_DELIVERY.isoformat()}：联盟在此之前尚未交付任何车辆。"
    assert response.context["form"].errors["delivery_date"] == [message]
    assert not Vehicle.objects.exists()


def test_the_date_picker_offers_only_accepted_days(client):
    client, _ = signed_in(language="en")
    html = client.get("/vehicles/add/").content.decode()
    assert f'min="{EARLIEST_DELIVERY.isoformat()}"' in html
    assert f'max="{timezone.localdate().isoformat()}"' in html


def test_the_add_form_accepts_today(client):
    client, owner = signed_in(language="en")
    response = add(client, timezone.localdate())
    assert response.status_code == 302
    assert Vehicle.objects.get(owner=owner).delivery_date == timezone.localdate()


def test_a_stored_date_out_of_the_calendar_does_not_break_my_vehicles(client):
    client, owner = signed_in(language="en")
    # Written before delivery dates were validated: the factory saves what the forms refuse.
    broken = VehicleFactory(owner=owner, delivery_date=dt.date.max, plate="沪A00001")
    due = VehicleFactory(
        owner=owner,
        plate="沪A00002",
        odometer_km=3000,
        delivery_date=timezone.localdate() - dt.timedelta(days=365),
    )

    response = client.get("/vehicles/")

    assert response.status_code == 200
    maintenance = {row.vehicle.pk: row.maintenance for row in response.context["rows"]}
    assert maintenance[broken.pk] is None
    assert maintenance[due.pk].due_by == "time"
