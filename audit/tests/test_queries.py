"""Every audit endpoint costs the same few queries for 1 outlet or 50, however many bookings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hima_service.testing import prepared_statements
from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
# (who, url, params, most queries): the auditor's brands; the brand or outlet named; the one
# statement (the bookings list: its count and its page).
CALLS = [
    ("aito_admin", "/api/v1/audit/outlets/", {}, 2),
    ("alliance_admin", "/api/v1/audit/outlets/", {"brand": "AITO", "outlet": "OUT-000"}, 3),
    ("aito_admin", "/api/v1/audit/equity/", {}, 2),
    ("alliance_admin", "/api/v1/audit/equity/", {"city": "Shanghai"}, 1),
    ("aito_admin", "/api/v1/audit/outlets/OUT-000/bookings/", {"metric": "completed"}, 4),
    ("aito_admin", "/api/v1/audit/outlets/OUT-000/bookings/", {"format": "csv"}, 4),
]


def network(history, first: int, last: int) -> None:
    """Outlets OUT-<first> … OUT-<last − 1>, with 21 bookings of three brands each."""
    for n in range(first, last):
        outlet = OutletFactory(code=f"OUT-{n:03d}")
        history.write(
            outlet,
            [
                Visit(brand, local("Asia/Shanghai", f"2026-10-{day:02d}", 10), wait=day, rating=4)
                for brand in ["AITO", "LUXEED", "STELATO"]
                for day in range(1, 8)
            ],
        )


def count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {**PERIOD, **params})
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(("who", "url", "params", "most"), CALLS)
def test_the_same_queries_for_1_and_50_outlets(
    who, url, params, most, history, as_, django_assert_max_num_queries
):
    client = as_(who)
    network(history, 0, 1)
    one = count(client, url, params)
    network(history, 1, 50)
    fifty = count(client, url, params)
    assert one == fifty
    with django_assert_max_num_queries(most):
        client.get(url, {**PERIOD, **params})


@pytest.mark.parametrize("url", ["/api/v1/audit/outlets/", "/api/v1/audit/equity/"])
def test_an_audit_asked_again_and_again_is_never_prepared(url, history, as_):
    # Prepared, PostgreSQL takes the statement's generic plan after a few runs on one
    # connection: at the alliance's size a quarter's outlet audit then took minutes, not 1.5 s.
    network(history, 0, 2)
    client = as_("aito_admin")
    for _ in range(12):
        assert client.get(url, PERIOD).status_code == 200
    assert prepared_statements("audit_bookingfacts") == 0
