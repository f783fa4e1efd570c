"""A delivery date is a day of the alliance's era, today at the latest: refused with a field
error (English or Chinese) by the API, on create and on update, and by the model (the admin)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, valid_vin
from vehicles.validators import EARLIEST_DELIVERY

pytestmark = pytest.mark.django_db

FUTURE = "The delivery date cannot be in the future."
TOO_EARLY = (
    f"The delivery date cannot be before {EARLIEST_DELIVERY.isoformat()}: "
    "the alliance delivered no car before then."
)


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def refused_dates() -> list[tuple[object, str]]:
    return [
        (dt.date.max, FUTURE),  # 9999-12-31: a year past it is out of Python's calendar
        (dt.date.min, TOO_EARLY),  # 0001-01-01
        (EARLIEST_DELIVERY - dt.timedelta(days=1), TOO_EARLY),
    ]


@pytest.mark.parametrize(("day", "message"), refused_dates())
def test_patch_refuses_a_delivery_date_outside_the_alliance_era(owner_api, owner, day, message):
    vehicle = VehicleFactory(owner=owner, delivery_date=EARLIEST_DELIVERY)

    response = owner_api.patch(f"/api/v1/vehicles/{vehicle.pk}/", {"delivery_date": str(day)})

    assert response.status_code == 400
    assert response.json()["fields"] == {"delivery_date": [message]}
    vehicle.refresh_from_db()
    assert vehicle.delivery_date == EARLIEST_DELIVERY


def test_patch_refuses_tomorrow_and_accepts_today(owner_api, owner):
    vehicle = VehicleFactory(owner=owner)
    url = f"/api/v1/vehicles/{vehicle.pk}/"

    refused = owner_api.patch(url, {"delivery_date": tomorrow().isoformat()})
    accepted = owner_api.patch(url, {"delivery_date": timezone.localdate().isoformat()})

    assert refused.json()["fields"] == {"delivery_date": [FUTURE]}
    assert accepted.status_code == 200
    assert accepted.json()["delivery_date"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("day", [EARLIEST_DELIVERY, None])
def test_the_first_delivery_day_and_no_date_at_all_are_accepted(owner_api, owner, day):
    vehicle = VehicleFactory(owner=owner, delivery_date=timezone.localdate())
    response = owner_api.patch(
        f"/api/v1/vehicles/{vehicle.pk}/", {"delivery_date": day and day.isoformat()}
    )
    assert response.status_code == 200
    vehicle.refresh_from_db()
    assert vehicle.delivery_date == day


def test_create_refuses_a_future_delivery_date_and_creates_nothing(owner_api):
    response = owner_api.post(
        "/api/v1/vehicles/",
        {"vin": valid_vin(3), "model": "aito-m7", "delivery_date": tomorrow().isoformat()},
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"delivery_date": [FUTURE]}
    assert not Vehicle.objects.exists()


def test_the_refusal_speaks_chinese_to_who_asks_in_chinese(owner_api):
    response = owner_api.post(
        "/api/v1/vehicles/",
        {"vin": valid_vin(3), "model": "aito-m7", "delivery_date": "0001-01-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.json()["fields"] == {
        "delivery_date": [
            f"交付日期不能早于 {EARLIEST_DELIVERY.isoformat()}：联盟在此之前尚未交付任何车辆。"
        ]
    }


@pytest.mark.parametrize(("day", "message"), refused_dates())
def test_the_model_refuses_it_too_so_the_admin_does(day, message):
    vehicle = VehicleFactory.build(owner=VehicleFactory().owner, delivery_date=day)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            vehicle.full_clean()
        assert refused.value.message_dict == {"delivery_date": [message]}
