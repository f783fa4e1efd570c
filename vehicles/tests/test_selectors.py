import pytest
from django.http import Http404
from django.utils import timezone

from vehicles.selectors import vehicle_brand_code

from .factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_the_brand_code_of_ones_own_car():
    car = VehicleFactory()
    assert vehicle_brand_code(owner=car.owner, vehicle_id=car.pk) == car.model.brand.code


def test_someone_elses_car_is_not_found_like_a_missing_one():
    car, other = VehicleFactory(), VehicleFactory()
    with pytest.raises(Http404):
        vehicle_brand_code(owner=other.owner, vehicle_id=car.pk)
    with pytest.raises(Http404):
        vehicle_brand_code(owner=car.owner, vehicle_id=car.pk + 1000)


def test_a_car_released_to_its_verified_owner_is_not_found():
    car = VehicleFactory(released_at=timezone.now())
    with pytest.raises(Http404):
        vehicle_brand_code(owner=car.owner, vehicle_id=car.pk)
