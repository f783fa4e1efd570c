"""GET /api/v1/audit/crews/ end to end: who may read which brand's crews (the audit's scope
rules and error shape), the JSON, its CSV twin, the period rules and the schema."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import brand

from .crew_factories import FAR, battery_service, general_service, technician

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

URL = "/api/v1/audit/crews/"
PERIOD = {"date_from": "2026-10-21", "date_to": "2026-10-27"}


@pytest.fixture
def crews(now):
    """SH-CREW-01 plans crews for AITO and LUXEED: its only guardian is away on the 22nd and
    23rd, and its lead's HV certificate lapses on 2026-10-30."""
    outlet = OutletFactory(
        code="SH-CREW-01",
        name="=Pudong Crew Centre",
        plans_crews=True,
        brands=[brand("AITO"), brand("LUXEED")],
        services=[general_service(), battery_service()],
    )
    technician(
        outlet,
        name="Lead",
        skills=("general", "ev_battery"),
        hv=2,
        hv_until=dt.date(2026, 10, 30),
        brands={"AITO": FAR, "LUXEED": FAR},
    )
    technician(
        outlet,
        name="Guard",
        hv=2,
        hv_until=FAR,
        away=[(dt.date(2026, 10, 22), dt.date(2026, 10, 23))],
    )
    return outlet


MATRIX = [
    ("anonymous", None, 401),
    ("owner", None, 404),
    ("owner", "AITO", 404),
    ("staff", None, 404),
    ("aito_admin", None, 200),
    ("aito_admin", "aito", 200),
    ("luxeed_admin", "AITO", 404),  # another brand's crews
    ("luxeed_admin", None, 200),
    ("alliance_admin", "AITO", 200),
    ("alliance_admin", None, 400),  # a crew is judged for one brand's cars
]


@pytest.mark.parametrize(("who", "brand_code", "status"), MATRIX)
def test_permission_matrix(who, brand_code, status, crews, as_):
    params = {**PERIOD, **({"brand": brand_code} if brand_code else {})}
    for fmt in [None, "csv"]:
        response = as_(who).get(URL, {**params, **({"format": fmt} if fmt else {})})
        assert response.status_code == status, (fmt, response.content[:200])
        if status in {401, 404}:
            body = response.json()
            assert set(body) == {"code", "detail"}
            assert body["code"] == {401: "not_authenticated", 404: "not_found"}[status]
        if status == 400:
            assert response.json()["fields"] == {"brand": ["Choose a brand."]}


def test_a_brand_admin_reads_their_outlets_lapsing_certificates_and_crewless_days(crews, as_):
    body = as_("aito_admin").get(URL, PERIOD).json()

    assert body["brand"] == "AITO"
    assert body["today"] == "2026-10-20"
    assert body["lapsing_within_days"] == 30
    # the staffed outlet of conftest's people has no technicians and plans by its bays
    assert [o["outlet"] for o in body["outlets"]] == ["SH-CREW-01", "SH-STAFFED-01"]
    outlet, bays_only = body["outlets"]
    assert (bays_only["plans_crews"], bays_only["lapsing"], bays_only["days_without_crew"]) == (
        False,
        [],
        [],
    )
    assert outlet["plans_crews"] is True
    assert outlet["lapsing"] == [
        {
            "technician_id": outlet["lapsing"][0]["technician_id"],
            "technician": "Lead",
            "certificate": "hv",
            "hv_level": 2,
            "valid_until": "2026-10-30",
            "days_left": 10,
        }
    ]
    assert outlet["days_without_crew"] == [
        {"date": day, "services": [{"code": "crew-battery", "name": "Crew Battery"}]}
        for day in ["2026-10-22", "2026-10-23"]
    ]


def test_a_guardian_needs_no_brand_yet_is_listed_only_under_theirs(crews, as_):
    # The guardian is authorized for AITO only: not LUXEED's technician, so not in its list,
    # yet a guardian needs no brand, so LUXEED's battery work has the same two crewless days.
    body = as_("luxeed_admin").get(URL, PERIOD).json()
    outlet = body["outlets"][0]
    assert outlet["outlet"] == "SH-CREW-01"
    assert [c["technician"] for c in outlet["lapsing"]] == ["Lead"]
    assert [d["date"] for d in outlet["days_without_crew"]] == ["2026-10-22", "2026-10-23"]


def test_the_csv_has_one_line_per_finding(crews, as_):
    response = as_("aito_admin").get(URL, {**PERIOD, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "audit-crews_AITO_2026-10-21_2026-10-27.csv" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content[1:])))
    assert [
        (r["finding"], r["date"], r["technician"], r["certificate"], r["services"]) for r in rows
    ] == [
        ("certificate_lapses", "2026-10-30", "Lead", "hv", ""),
        ("no_crew", "2026-10-22", "", "", "crew-battery"),
        ("no_crew", "2026-10-23", "", "", "crew-battery"),
    ]
    # a name a spreadsheet would run as a formula is defused
    assert {r["outlet_name"] for r in rows} == {"'=Pudong Crew Centre"}


def test_the_period_defaults_to_the_30_days_ahead(crews, as_):
    body = as_("aito_admin").get(URL).json()
    assert (body["date_from"], body["date_to"]) == ("2026-10-20", "2026-11-18")
    body = as_("aito_admin").get(URL, {"date_from": "2026-11-01"}).json()
    assert (body["date_from"], body["date_to"]) == ("2026-11-01", "2026-11-30")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-10-21", "date_to": "2027-12-31"}, "date_to"),
        ({"date_from": "2026-10-21", "date_to": "2026-10-01"}, "date_to"),
        ({"date_from": "yesterday"}, "date_from"),
    ],
)
def test_a_bad_period_is_a_400_on_its_field(params, field, crews, as_):
    response = as_("aito_admin").get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]


def test_schema_documents_the_crews_audit(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/CrewAudit")
    assert "text/csv" in content
    assert {"400", "404"} <= set(operation["responses"])
    assert {"brand", "date_from", "date_to", "format"} <= {
        p["name"] for p in operation["parameters"]
    }
    outlet = schema["components"]["schemas"]["OutletCrews"]["properties"]
    assert {"lapsing", "days_without_crew", "plans_crews"} <= set(outlet)
