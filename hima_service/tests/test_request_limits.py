"""Bodies the service will not read, refused with a 4xx in the error shape and no traceback in
the log: JSON nested too deeply (DRF's parser and the NUL filter both decode JSON), a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, and more fields than Django reads."""

import io
import json
import logging

import pytest
from django.conf import settings
from rest_framework.exceptions import ParseError

from hima_service.parsers import MAX_JSON_DEPTH, JSONParser
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

TOO_DEEP = {
    "code": "malformed_request",
    "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
}


def nested(levels: int, inner: str = "") -> str:
    return "[" * levels + inner + "]" * levels


@pytest.fixture
def no_traceback_logged(caplog):
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == []


def test_the_parser_reads_a_document_as_deep_as_the_limit_and_not_deeper():
    deepest = nested(MAX_JSON_DEPTH).encode()
    assert JSONParser().parse(io.BytesIO(deepest)) == json.loads(deepest)
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(nested(MAX_JSON_DEPTH + 1).encode()))
    with pytest.raises(ParseError):  # deep inside an object, behind a shallow first member
        JSONParser().parse(io.BytesIO(b'{"a": 1, "b": ' + nested(MAX_JSON_DEPTH).encode() + b"}"))


@pytest.mark.usefixtures("no_traceback_logged")
@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deeply_nested_json_to_the_api_is_a_400_for_anyone(api, levels):
    # 1,000 levels is what made Python's decoder raise RecursionError (a 500) in under 2 KB.
    response = api.post("/api/v1/auth/token/", nested(levels), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == TOO_DEEP


@pytest.mark.usefixtures("no_traceback_logged")
@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/vehicles/", "/", "/sign-in/"])
@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 1000])
def test_deeply_nested_json_with_an_escaped_nul_is_a_400_on_any_path(api, path, levels):
    # The NUL filter decodes JSON that may hold "\u0000", before any view or URL is resolved.
    body = nested(levels, inner='"\\u0000"')
    response = api.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == TOO_DEEP


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(owner_api, owner):
    vehicle = VehicleFactory(owner=owner, plate="沪A12345")
    body = json.dumps({"plate": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    response = owner_api.patch(
        f"/api/v1/vehicles/{vehicle.pk}/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is larger than the 2.5\xa0MB this service accepts.",
    }
    vehicle.refresh_from_db()
    assert vehicle.plate == "沪A12345"


def test_an_anonymous_form_over_the_upload_limit_is_a_413_too(api):
    body = "username=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api.post(
        "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_page_keeps_django_own_answer_to_a_body_over_the_limit(client):
    body = "username=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post("/sign-in/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_more_query_fields_than_django_reads_is_a_400_in_the_error_shape(api):
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = api.get(f"/api/v1/brands/?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_fields",
        "detail": "The request has more fields than this service reads.",
    }
