import datetime as dt
from decimal import Decimal

import factory

from outlets.models import (
    Bay,
    Capability,
    Closure,
    OpeningHours,
    Outlet,
    OutletMembership,
    ServiceType,
)
from vehicles.models import Brand


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"svc-{n}")
    name = factory.LazyAttribute(lambda s: s.code.replace("-", " ").title())
    category = ServiceType.Category.MAINTENANCE
    labour_minutes = 60
    capability = Capability.GENERAL
    price = Decimal("399.00")
    checklist = factory.LazyFunction(lambda: ["Inspect", "Record"])


class OutletFactory(factory.django.DjangoModelFactory):
    """A shared five-brand centre open 09:00–18:00 every day unless told otherwise."""

    class Meta:
        model = Outlet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SH-TEST-{n:02d}")
    name = factory.Sequence(lambda n: f"Test Centre {n}")
    address = "1 Century Avenue"
    city = "Shanghai"
    province = "Shanghai"
    latitude = Decimal("31.230416")
    longitude = Decimal("121.473701")

    # The links of a new outlet inserted at once: the related managers' set() would first read
    # the links it has (none) and which of the new ones exist, two statements more for each.
    @factory.post_generation
    def brands(obj, create, extracted, **kwargs):
        if create:
            ids = (
                [brand.pk for brand in extracted]
                if extracted is not None
                else Brand.objects.values_list("pk", flat=True)
            )
            Outlet.brands.through.objects.bulk_create(
                Outlet.brands.through(outlet_id=obj.pk, brand_id=pk) for pk in ids
            )

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            Outlet.services.through.objects.bulk_create(
                Outlet.services.through(outlet_id=obj.pk, servicetype_id=service.pk)
                for service in extracted
            )

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if not create:
            return
        intervals = extracted if extracted is not None else [(dt.time(9), dt.time(18))]
        OpeningHours.objects.bulk_create(
            OpeningHours(outlet=obj, weekday=day, opens=opens, closes=closes)
            for day in range(7)
            for opens, closes in intervals
        )


class BayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bay

    outlet = factory.SubFactory(OutletFactory)
    name = factory.Sequence(lambda n: f"B{n}")
    capabilities = factory.LazyFunction(lambda: [Capability.GENERAL])


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    outlet = factory.SubFactory(OutletFactory)
    reason = "Public holiday"


class OutletMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutletMembership

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    outlet = factory.SubFactory(OutletFactory)
    role = OutletMembership.Role.ADVISOR
