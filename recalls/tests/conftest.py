"""The people around recall campaigns: brand admins of two brands, an alliance admin, an owner
and outlet staff (who manage no campaigns)."""

from dataclasses import dataclass

import pytest

from accounts.tests.factories import AdminFactory, UserFactory
from conftest import client_for
from outlets.tests.factories import OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

ROLES = ["anonymous", "owner", "staff", "other_brand_admin", "brand_admin", "alliance_admin"]


@dataclass
class People:
    owner: object
    staff: object
    brand_admin: object  # LUXEED
    other_brand_admin: object  # AITO
    alliance_admin: object

    def api(self, who: str):
        return client_for(None if who == "anonymous" else getattr(self, who))


@pytest.fixture
def people(db):
    return People(
        owner=UserFactory(),
        staff=OutletMembershipFactory().user,
        brand_admin=BrandMembershipFactory(brand=brand("LUXEED")).user,
        other_brand_admin=BrandMembershipFactory(brand=brand("AITO")).user,
        alliance_admin=AdminFactory(),
    )
