"""An audit answers in JSON, in the browsable API and, with `?format=csv`, as a spreadsheet would
read the JSON's rows: BOM, header, same numbers; errors stay JSON in the one error shape."""

import csv
import io

import pytest

from audit.flags import ALPHA
from audit.stats import p_text
from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


@pytest.fixture
def pudong(history):
    outlet = OutletFactory(code="SH-PUDONG-01", name="浦东 =旗舰店")
    day = lambda d, h=10: local("Asia/Shanghai", f"2026-10-{d:02d}", h)  # noqa: E731
    history.write(
        outlet,
        # AITO waits longer than the others, by enough to be flagged in a family of 9 tests
        [Visit("AITO", day(d), wait=d * 5 - 20, rating=1 + d % 5) for d in range(1, 29)]
        + [Visit(b, day(d, 15), wait=d) for b in ["LUXEED", "STELATO"] for d in range(1, 25)],
    )
    return outlet


def _parse(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def _same(json_value, cell):
    if json_value is None:
        return cell == ""
    if isinstance(json_value, bool):
        return cell == str(json_value).lower()
    if isinstance(json_value, (int, float)):
        return float(cell) == json_value
    return cell == json_value.lstrip("'") or cell == f"'{json_value}"


def test_outlet_audit_csv_matches_json(pudong, as_):
    client = as_("aito_admin")
    body = client.get("/api/v1/audit/outlets/", PERIOD).json()
    response = client.get("/api/v1/audit/outlets/", {**PERIOD, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="audit-outlets_AITO_2026-10-01_2026-10-31.csv"'
    )
    rows = _parse(response)
    expected = [*body["rows"], body["total"]]
    assert len(rows) == len(expected)
    assert list(rows[0]) == list(expected[0])
    for row, json_row in zip(rows, expected, strict=True):
        for key, value in json_row.items():
            assert _same(value, row[key]), (key, value, row[key])
    assert rows[-1]["outlet"] == ""
    assert rows[-1]["outlet_name"] == "Network total"


def test_chinese_names_survive_and_formulas_are_defused(pudong, as_):
    OutletFactory(code="XX-FORMULA-01", name='=HYPERLINK("http://x")')
    rows = _parse(as_("aito_admin").get("/api/v1/audit/outlets/", {**PERIOD, "format": "csv"}))
    names = [r["outlet_name"] for r in rows]
    assert "浦东 =旗舰店" in names  # not at the start: left alone
    assert '\'=HYPERLINK("http://x")' in names  # a spreadsheet shows it, does not run it
    # A negative number is a number, not a formula: written as it is.
    pudong_row = next(r for r in rows if r["outlet"] == "SH-PUDONG-01")
    assert float(pudong_row["bookings"]) == 28


def test_equity_csv_matches_json(pudong, as_):
    client = as_("alliance_admin")
    body = client.get("/api/v1/audit/equity/", PERIOD).json()
    response = client.get("/api/v1/audit/equity/", {**PERIOD, "format": "csv"})

    assert response["Content-Disposition"] == (
        'attachment; filename="audit-equity_ALL_2026-10-01_2026-10-31.csv"'
    )
    rows = _parse(response)
    comparisons = body["outlets"][0]["comparisons"]
    assert len(rows) == 2 * len(comparisons)  # each brand, then its pooled others
    for comparison in comparisons:
        for side, figures in [("brand", comparison["figures"]), ("others", comparison["others"])]:
            (row,) = [r for r in rows if r["brand"] == comparison["brand"] and r["side"] == side]
            for key, value in figures.items():
                assert _same(value, row[key]), (comparison["brand"], side, key)
    assert body["flags"]
    flagged: dict[str, list[str]] = {}
    for flag in body["flags"]:
        relation, value = p_text(flag["p_value"], alpha=ALPHA)
        flagged.setdefault(flag["brand"], []).append(
            f"{flag['metric']}: p (adjusted) {relation} {value}"
        )
    for row in rows:
        expected = flagged.get(row["brand"], []) if row["side"] == "brand" else []
        assert row["flags"] == "; ".join(expected), (row["brand"], row["side"])
        assert "e-" not in row["flags"]  # a reader's p-value, never e-notation


def test_bookings_csv_lists_every_booking_unpaged(pudong, as_):
    client = as_("aito_admin")
    url = "/api/v1/audit/outlets/SH-PUDONG-01/bookings/"
    page = client.get(url, {**PERIOD, "metric": "late_start", "page_size": 2}).json()
    response = client.get(url, {**PERIOD, "metric": "late_start", "format": "csv"})

    rows = _parse(response)
    assert len(rows) == page["count"]
    assert [float(r["wait_minutes"]) for r in rows[:2]] == [
        r["wait_minutes"] for r in page["results"]
    ]
    assert response["Content-Disposition"] == (
        "attachment; "
        'filename="audit-bookings_SH-PUDONG-01_late_start_AITO_2026-10-01_2026-10-31.csv"'
    )


@pytest.mark.parametrize(
    "url", ["/api/v1/audit/outlets/", "/api/v1/audit/equity/", "/api/v1/audit/outlets/X/bookings/"]
)
def test_errors_under_csv_are_json(url, as_):
    response = as_("aito_admin").get(
        url, {"date_from": "2026-10-31", "date_to": "2026-10-01", "format": "csv"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["fields"] == {"date_to": ["Must not be before date_from."]}


AUDIT_URLS = [
    "/api/v1/audit/outlets/",
    "/api/v1/audit/equity/",
    "/api/v1/audit/outlets/SH-PUDONG-01/bookings/",
]


@pytest.mark.parametrize("url", AUDIT_URLS)
@pytest.mark.parametrize(("query", "accept"), [("?format=csv", "*/*"), ("", "text/csv")])
def test_options_asked_for_csv_describes_the_view_in_json(url, query, accept, as_):
    # OPTIONS answers the view's description, not a table: nothing to download as CSV.
    response = as_("aito_admin").options(url + query, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert "text/csv" in body["renders"]
    assert "application/json" in body["parses"]


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_options_under_csv_for_nobody_signed_in_is_a_json_401(url, as_):
    response = as_("anonymous").options(f"{url}?format=csv")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_an_audit_answers_in_json_in_the_browsable_api_and_in_csv(url, pudong, as_):
    admin = as_("aito_admin")

    as_json = admin.get(url, PERIOD)
    as_page = admin.get(url, PERIOD, HTTP_ACCEPT="text/html")
    as_csv = admin.get(url, {**PERIOD, "format": "csv"})

    assert as_json["Content-Type"] == "application/json"
    body = as_json.json()  # orjson's bytes, read back by the json module
    assert as_page["Content-Type"] == "text/html; charset=utf-8"
    # The page shows the same answer: each of its keys, quoted.
    assert all(f"&quot;{key}&quot;:" in as_page.content.decode("utf-8") for key in body)
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
