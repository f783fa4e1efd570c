import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from vehicles.models import Brand, BrandMembership, Vehicle, VehicleModel
from vehicles.vin import make_vin


def brand(code: str = "AITO") -> Brand:
    """The seeded brand (the five come from a data migration)."""
    return Brand.objects.get(code=code)


def vehicle_model(code: str = "aito-m7") -> VehicleModel:
    return VehicleModel.objects.select_related("brand").get(code=code)


def valid_vin(n: int, wmi: str = "LM8") -> str:
    # Position 10 'R' is model year 2024.
    return make_vin(f"{wmi}AB2C3", f"R{n:07d}")


def _factory_vin(n: int) -> str:
    # Plant code 'F' (position 11) where valid_vin has a digit: a factory car never takes the VIN
    # a test picked by hand, however many cars the tests before it made.
    return make_vin("LM8AB2C3", f"RF{n:06d}")


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    owner = factory.SubFactory(UserFactory)
    vin = factory.Sequence(_factory_vin)
    model = factory.LazyFunction(vehicle_model)
    model_year = 2024
    odometer_km = 12000
    # The test world's cars have their owner verified; UnverifiedVehicleFactory is a car an
    # account merely added (anyone can type a VIN).
    verified_at = factory.LazyFunction(timezone.now)
    verified_via = Vehicle.VerifiedVia.DELIVERY_RECORD


class UnverifiedVehicleFactory(VehicleFactory):
    verified_at = None
    verified_via = ""


class BrandMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandMembership

    user = factory.SubFactory(UserFactory)
    brand = factory.LazyFunction(brand)
