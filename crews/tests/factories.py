import datetime as dt

import factory
from django.utils import timezone

from crews.models import Absence, BrandAuthorization, HvLevel, Shift, Technician
from outlets.models import Capability, OutletMembership
from vehicles.tests.factories import brand

WORKDAY = (dt.time(8), dt.time(18))


class TechnicianFactory(factory.django.DjangoModelFactory):
    """A general technician; `outlet=` makes them staff there (technician role) on shift every
    day 08:00–18:00 (`outlet__shifts=False`: no shift). An HV level above 0 is valid for a
    year unless `hv_valid_until` is given."""

    class Meta:
        model = Technician
        skip_postgeneration_save = True

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    skills = factory.LazyFunction(lambda: [Capability.GENERAL])
    hv_level = HvLevel.NONE
    hv_valid_until = factory.LazyAttribute(
        lambda t: None if t.hv_level == HvLevel.NONE else timezone.localdate() + dt.timedelta(365)
    )

    @factory.post_generation
    def outlet(obj, create, extracted, shifts=True, **kwargs):
        if not (create and extracted):
            return
        OutletMembership.objects.get_or_create(
            user=obj.user, outlet=extracted, defaults={"role": OutletMembership.Role.TECHNICIAN}
        )
        if shifts:
            Shift.objects.bulk_create(
                Shift(technician=obj, outlet=extracted, weekday=day, starts=start, ends=end)
                for day in range(7)
                for start, end in [WORKDAY]
            )


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    technician = factory.SubFactory(TechnicianFactory)
    outlet = factory.SubFactory("outlets.tests.factories.OutletFactory")
    weekday = 0
    starts = WORKDAY[0]
    ends = WORKDAY[1]


class BrandAuthorizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandAuthorization

    technician = factory.SubFactory(TechnicianFactory)
    brand = factory.LazyFunction(brand)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    technician = factory.SubFactory(TechnicianFactory)
    first_day = factory.LazyFunction(timezone.localdate)
    last_day = factory.LazyAttribute(lambda a: a.first_day)
    reason = "Leave"
