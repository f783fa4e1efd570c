"""A NUL character anywhere in a request is a 400 in the error shape (a 404 in the path), before
any view runs: PostgreSQL refuses NUL in text, so it must never reach a query (DataError, 500)."""

import json

import pytest

from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, valid_vin

pytestmark = pytest.mark.django_db


def assert_refused(response, part: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "invalid",
        "detail": f"The request's {part} contains a NUL character (\\x00), "
        "which is not allowed in any text.",
    }


def test_form_encoded_vehicle_with_nul_in_model(owner_api):
    response = owner_api.post(
        "/api/v1/vehicles/",
        data="model=ab%00c&vin=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_refused(response, "body")
    assert not Vehicle.objects.exists()


def test_json_with_escaped_nul(owner_api):
    body = json.dumps({"vin": valid_vin(1), "model": "aito-m7", "plate": "沪A\u000012345"})
    assert "\\u0000" in body
    response = owner_api.post("/api/v1/vehicles/", data=body, content_type="application/json")
    assert_refused(response, "body")
    assert not Vehicle.objects.exists()


def test_json_nul_in_a_key_or_nested_list(owner_api):
    for document in ({"services": ["mnt-annual", "x\u0000"]}, {"\u0000": 1}):
        response = owner_api.post("/api/v1/bookings/", document, format="json")
        assert_refused(response, "body")


def test_an_escaped_backslash_before_u0000_is_text_not_nul(owner_api):
    # The JSON text "a\\u0000" is the six characters a, \, u, 0, 0, 0, 0: no NUL at all.
    body = json.dumps({"vin": "x", "model": "a\\u0000"})
    response = owner_api.post("/api/v1/vehicles/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" not in response.json()["detail"]  # refused by the serializer, on its merits
    assert "fields" in response.json()


def test_multipart_with_nul(owner_api):
    response = owner_api.post(
        "/api/v1/vehicles/", {"model": "ab\x00c", "vin": "x"}, format="multipart"
    )
    assert_refused(response, "body")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("plate=ab%00c", "application/x-www-form-urlencoded"),
        (
            '--b\r\nContent-Disposition: form-data; name="plate"\r\n\r\nab\x00c\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
    ],
)
def test_patch_form_with_nul(owner_api, owner, body, content_type):
    # Django parses form bodies for POST only; DRF parses PATCH forms itself.
    vehicle = VehicleFactory(owner=owner)
    response = owner_api.patch(
        f"/api/v1/vehicles/{vehicle.pk}/", data=body, content_type=content_type
    )
    assert_refused(response, "body")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/outlets/?city=ab%00c",
        "/api/v1/outlets/?brand=%00",
        "/api/v1/vehicle-models/?brand=aito%00",
        "/api/v1/service-types/?category=%00",
        "/api/v1/bookings/?status=confirmed%00",
        "/api/v1/vehicles/?%00=1",
    ],
)
def test_query_parameter_with_nul_on_list_endpoints(owner_api, url):
    assert_refused(owner_api.get(url), "query string")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/outlets/SH-PUDONG-01/closures/2026-10%0001/",
        "/api/v1/outlets/SH%00PUDONG/",
        "/api/v1/bookings/HS-%00/",
    ],
)
def test_path_segment_with_nul_names_nothing(admin_api, path):
    # `<str:day>` would hand the NUL to a query; no code, reference or date holds one: 404.
    response = admin_api.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_header_with_nul(owner_api):
    response = owner_api.post(
        "/api/v1/bookings/", {}, format="json", HTTP_IDEMPOTENCY_KEY="key\x00one"
    )
    assert_refused(response, "headers")


def test_token_with_nul(api):
    api.credentials(HTTP_AUTHORIZATION="Token abc\x00def")
    assert_refused(api.get("/api/v1/me/"), "headers")
