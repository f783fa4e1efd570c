import factory

from outlets.models import ServiceType
from recalls.models import AffectedVehicle, RecallCampaign
from vehicles.models import VehicleModel
from vehicles.tests.factories import brand


def recall_service(code: str = "rcl-campaign") -> ServiceType:
    """A recall-category service of the standard catalog (loaded by a data migration)."""
    return ServiceType.objects.get(code=code)


class RecallCampaignFactory(factory.django.DjangoModelFactory):
    """An open Luxeed campaign with no range: vehicles are added by the test."""

    class Meta:
        model = RecallCampaign
        skip_postgeneration_save = True

    brand = factory.LazyFunction(lambda: brand("LUXEED"))
    code = factory.Sequence(lambda n: f"RCL-T{n:04d}")
    title_zh = "后悬架螺栓扭矩检查"
    title_en = "Rear suspension bolt torque check"
    description_zh = "部分车辆后悬架螺栓可能未按规定扭矩紧固。"
    description_en = "Some rear suspension bolts may not have been tightened to specification."
    service_type = factory.LazyFunction(recall_service)

    @factory.post_generation
    def vehicle_models(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.vehicle_models.set(extracted)


class AffectedVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AffectedVehicle

    campaign = factory.SubFactory(RecallCampaignFactory)
    # A car of the campaign's brand: a campaign reaches no other brand's cars.
    vehicle = factory.SubFactory(
        "vehicles.tests.factories.VehicleFactory",
        model=factory.LazyAttribute(
            lambda car: (
                VehicleModel.objects.filter(brand=car.factory_parent.campaign.brand)
                .order_by("code")
                .first()
            )
        ),
    )
    vin = factory.SelfAttribute("vehicle.vin")
    source = AffectedVehicle.Source.LIST
