"""Who may read which audit (DESIGN rule 4), one table over every endpoint: anonymous 401;
owners and outlet staff have no audit (404, like a queue that is not theirs); a brand admin
reads their own brand (naming another answers 404); the alliance admin reads any brand."""

import pytest

from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
ENDPOINTS = {
    "outlets": "/api/v1/audit/outlets/",
    "equity": "/api/v1/audit/equity/",
    "bookings": "/api/v1/audit/outlets/SH-AUDIT-01/bookings/",
}
# who, brand named (None: none) → expected status, the same on every endpoint
MATRIX = [
    ("anonymous", None, 401),
    ("owner", None, 404),
    ("owner", "AITO", 404),
    ("staff", None, 404),
    ("aito_admin", None, 200),
    ("aito_admin", "AITO", 200),
    ("aito_admin", "aito", 200),
    ("luxeed_admin", "AITO", 404),  # another brand's data
    ("luxeed_admin", None, 200),  # their own
    ("alliance_admin", None, 200),
    ("alliance_admin", "AITO", 200),
]
CASES = [
    pytest.param(endpoint, who, brand, status, id=f"{endpoint}-{who}-{brand}")
    for endpoint in ENDPOINTS
    for who, brand, status in MATRIX
]


@pytest.mark.parametrize(("endpoint", "who", "brand", "status"), CASES)
def test_permission_matrix(endpoint, who, brand, status, as_):
    OutletFactory(code="SH-AUDIT-01")
    params = {**PERIOD, **({"brand": brand} if brand else {})}
    for fmt in [None, "csv"]:
        response = as_(who).get(ENDPOINTS[endpoint], {**params, **({"format": fmt} if fmt else {})})
        assert response.status_code == status, (fmt, response.content[:200])
        if status != 200:
            body = response.json()
            assert set(body) == {"code", "detail"}
            assert body["code"] == {401: "not_authenticated", 404: "not_found"}[status]


@pytest.mark.parametrize("endpoint", ["outlets", "equity"])
def test_a_brand_admin_s_default_is_their_own_brand(endpoint, as_):
    body = as_("luxeed_admin").get(ENDPOINTS[endpoint], PERIOD).json()
    assert body["brand"] == "LUXEED"


def test_an_admin_of_two_brands_must_choose(people, as_):
    BrandMembershipFactory(user=people["aito_admin"], brand=brand("LUXEED"))
    client = as_("aito_admin")
    response = client.get(ENDPOINTS["outlets"], PERIOD)
    assert response.status_code == 400
    assert response.json()["fields"] == {"brand": ["Choose one of your brands: AITO, LUXEED."]}
    assert client.get(ENDPOINTS["outlets"], {**PERIOD, "brand": "LUXEED"}).status_code == 200
