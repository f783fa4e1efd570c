"""Bad input is a 400 (or a 404 for an outlet in the path) in the one error shape, never a 500."""

import datetime as dt

import pytest

from outlets.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

OUTLETS, EQUITY = "/api/v1/audit/outlets/", "/api/v1/audit/equity/"
BOOKINGS = "/api/v1/audit/outlets/SH-AUDIT-01/bookings/"
OK = {"date_from": "2026-10-01", "date_to": "2026-10-31"}

BAD = [
    ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "date_to"),  # reversed
    ({"date_from": "2024-01-01", "date_to": "2025-01-01"}, "date_to"),  # 366 + 1 days
    ({"date_from": "2026-13-01", "date_to": "2026-10-01"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"date_from": "0001-01-01", "date_to": "2026-01-02"}, "date_from"),
    ({**OK, "brand": "TESLA"}, "brand"),
    ({**OK, "brand": "x" * 40}, "brand"),
]


@pytest.mark.parametrize("url", [OUTLETS, EQUITY, BOOKINGS])
@pytest.mark.parametrize(("params", "field"), BAD)
def test_bad_input_is_a_400_naming_the_field(url, params, field, as_):
    OutletFactory(code="SH-AUDIT-01")
    response = as_("aito_admin").get(url, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {field}


@pytest.mark.parametrize("url", [OUTLETS, EQUITY])
def test_an_unknown_outlet_filter_is_a_400(url, as_):
    response = as_("alliance_admin").get(url, {**OK, "outlet": "NOWHERE-01"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"outlet": ["Unknown outlet."]}


def test_an_unknown_outlet_in_the_path_is_a_404(as_):
    response = as_("alliance_admin").get("/api/v1/audit/outlets/NOWHERE-01/bookings/", OK)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No outlet has this code."}


def test_an_unknown_metric_is_a_400(as_):
    OutletFactory(code="SH-AUDIT-01")
    response = as_("aito_admin").get(BOOKINGS, {**OK, "metric": "vibes"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"metric"}


def test_366_days_is_allowed_and_the_default_is_30_days(as_):
    client = as_("aito_admin")
    assert (
        client.get(OUTLETS, {"date_from": "2024-01-01", "date_to": "2024-12-31"}).status_code == 200
    )
    body = client.get(OUTLETS).json()
    from_, to = body["date_from"], body["date_to"]
    assert (dt.date.fromisoformat(to) - dt.date.fromisoformat(from_)).days == 29


def test_an_unknown_city_is_just_empty(as_):
    body = as_("aito_admin").get(OUTLETS, {**OK, "city": "Atlantis"}).json()
    assert body["rows"] == []
    assert body["total"]["bookings"] == 0


def test_a_bad_page_is_not_a_500(as_):
    OutletFactory(code="SH-AUDIT-01")
    response = as_("aito_admin").get(BOOKINGS, {**OK, "page": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
