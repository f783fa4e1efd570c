"""The roster counts in the versions of the outlets it staffs (crews migration 0002), so a
cached availability answer is not given after a shift, an absence or a certificate changed."""

import datetime as dt

import pytest

from crews.models import Shift, Technician
from crews.tests.factories import AbsenceFactory, BrandAuthorizationFactory, TechnicianFactory
from outlets.tests.factories import OutletFactory
from outlets.versions import outlet_versions
from vehicles.models import Brand

pytestmark = pytest.mark.django_db


def versions(*outlets) -> list[int]:
    found = outlet_versions([outlet.pk for outlet in outlets])
    return [found[outlet.pk] for outlet in outlets]


@pytest.fixture
def outlets():
    return OutletFactory(), OutletFactory(), OutletFactory()


def test_a_shift_counts_at_its_outlet_only(outlets):
    here, there, _ = outlets
    technician = TechnicianFactory(outlet=here, outlet__shifts=False)
    before = versions(here, there)
    Shift.objects.create(
        technician=technician, outlet=here, weekday=1, starts=dt.time(9), ends=dt.time(12)
    )
    assert versions(here, there) == [before[0] + 1, before[1]]


def test_an_absence_counts_wherever_the_technician_has_a_shift(outlets):
    here, there, elsewhere = outlets
    technician = TechnicianFactory(outlet=here)
    Shift.objects.create(
        technician=technician, outlet=there, weekday=6, starts=dt.time(9), ends=dt.time(12)
    )
    before = versions(here, there, elsewhere)
    AbsenceFactory(technician=technician)
    assert versions(here, there, elsewhere) == [before[0] + 1, before[1] + 1, before[2]]


def test_a_certificate_or_an_authorization_changed_counts(outlets):
    here = outlets[0]
    technician = TechnicianFactory(outlet=here)
    before = versions(here)[0]
    Technician.objects.filter(pk=technician.pk).update(
        hv_level=2, hv_valid_until=dt.date(2030, 1, 1)
    )
    BrandAuthorizationFactory(technician=technician, brand=Brand.objects.first())
    assert versions(here)[0] == before + 2
