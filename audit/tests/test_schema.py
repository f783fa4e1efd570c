"""The OpenAPI schema documents the audit's answers with the serializers that write them."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_documents_the_audit_responses(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    expected = {
        "/api/v1/audit/outlets/": "OutletAudit",
        "/api/v1/audit/equity/": "EquityAudit",
        "/api/v1/audit/outlets/{code}/bookings/": "PaginatedAuditBookingList",
    }
    for path, component in expected.items():
        responses = paths[path]["get"]["responses"]["200"]["content"]
        assert responses["application/json"]["schema"]["$ref"].endswith(f"/{component}")
        assert "text/csv" in responses
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"brand", "date_from", "date_to", "format"} <= names
    flag = schema["components"]["schemas"]["Flag"]["properties"]
    assert {"metric", "brand", "figure", "others_figure", "n", "n_others", "p_value"} <= set(flag)
    # the p-value a flag is judged on is the adjusted one, and says so
    assert flag["p_value"]["title"] == "p (adjusted)"
    assert "Holm" in flag["p_value"]["description"]
    assert flag["p_raw"]["title"] == "p (raw)"
    assert "tests" in schema["components"]["schemas"]["EquityAudit"]["properties"]
