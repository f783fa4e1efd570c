"""Every operation of the OpenAPI schema documents the errors it can answer, with the one error
shape (hima_service.schema.AutoSchema derives them; schemathesis holds the server to them)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/v1/brands/", {"200", "401"}),
        ("post", "/api/v1/auth/token/", {"200", "400", "401", "413", "415", "429"}),
        ("post", "/api/v1/auth/register/", {"201", "400", "401", "413", "415", "429"}),
        ("get", "/api/v1/outlets/{code}/", {"200", "400", "401", "404"}),
        ("get", "/api/v1/availability/", {"200", "400", "401", "404"}),
        ("delete", "/api/v1/vehicles/{id}/", {"204", "400", "401", "403", "404", "409"}),
        (
            "post",
            "/api/v1/bookings/",
            {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429"},
        ),
        (
            "post",
            "/api/v1/bookings/{reference}/reschedule/",
            {"200", "400", "401", "403", "404", "409", "413", "415", "422", "429"},
        ),
    ],
)
def test_operation_documents_its_errors(schema, method, path, statuses):
    responses = schema["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for status in statuses - {"200", "201", "204"}:
        assert responses[status]["content"] == {"application/json": {"schema": ERROR}}, status


def test_every_operation_documents_an_error_and_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method.upper()} {path} documents no error"
            assert "500" not in errors
    assert schema["components"]["schemas"]["Error"] == {
        "type": "object",
        "description": "The one error shape: a stable code, a sentence, and the inputs at "
        "fault where it applies.",
        "properties": {
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["code", "detail"],
    }
