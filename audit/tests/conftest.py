"""The people around an audit: a brand admin per side, an alliance admin, and those who may not
audit at all (an owner, outlet staff, nobody signed in)."""

import pytest
import time_machine

from accounts.tests.factories import AdminFactory, UserFactory
from conftest import client_for
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

from .factories import History

# Audit tests read a fixed October: bookings up to the 20th are history, later ones are ahead.
NOW = "2026-10-20T12:00:00+08:00"


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(db):
    return History()


@pytest.fixture
def people(db):
    outlet = OutletFactory(code="SH-STAFFED-01")
    return {
        "anonymous": None,
        "owner": UserFactory(),
        "staff": OutletMembershipFactory(outlet=outlet).user,
        "aito_admin": BrandMembershipFactory(brand=brand("AITO")).user,
        "luxeed_admin": BrandMembershipFactory(brand=brand("LUXEED")).user,
        "alliance_admin": AdminFactory(),
    }


@pytest.fixture
def as_(people):
    """as_("aito_admin") → an API client signed in as that person."""
    return lambda who: client_for(people[who])
