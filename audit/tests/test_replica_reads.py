"""With a replica configured, an audit request reads through it, pages and API alike, and reads
nothing of the audit from the primary; the booking path's reads stay on the primary.

The replica here is the test database's mirror: a connection of its own, which sees only
committed rows, as a streaming replica does. So these tests commit (transaction=True)."""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("now", "replica"),
]

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


@pytest.fixture
def replica(settings):
    settings.AUDIT_DATABASE = "replica"


@pytest.fixture
def october(history):
    """SH-REPLICA-01: six AITO visits and three LUXEED ones in October."""
    outlet = OutletFactory(code="SH-REPLICA-01")
    history.write(
        outlet,
        [
            Visit(brand, local("Asia/Shanghai", f"2026-10-{day:02d}", 10), wait=day, rating=4)
            for brand, days in [("AITO", range(1, 7)), ("LUXEED", range(1, 4))]
            for day in days
        ],
    )
    return outlet


def _reads(request):
    """The statements a request ran on the primary and on the replica, and its response."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = request()
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/audit/outlets/", {}),
        ("/api/v1/audit/equity/", {}),
        ("/api/v1/audit/outlets/SH-REPLICA-01/bookings/", {"metric": "completed"}),
        ("/api/v1/audit/crews/", {"date_from": "2026-10-21", "date_to": "2026-10-27"}),
    ],
)
def test_an_audit_api_request_reads_only_the_replica(october, people, as_, url, params):
    response, primary, replica = _reads(lambda: as_("aito_admin").get(url, PERIOD | params))
    assert response.status_code == 200, response.content
    assert primary == []
    assert replica


def test_the_replica_answers_with_the_committed_figures(october, as_):
    response, primary, replica = _reads(
        lambda: as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD)
    )
    assert response.json()["total"]["bookings"] == 6
    assert primary == []
    assert any("GROUPING SETS" in sql for sql in replica)


def test_a_dashboard_page_reads_the_audit_from_the_replica(october, people):
    client = Client()
    client.force_login(people["aito_admin"])
    response, primary, replica = _reads(
        lambda: client.get("/dashboard/", {"period": "custom", **PERIOD})
    )
    assert response.status_code == 200
    assert "SH-REPLICA-01" in response.content.decode()
    # Only signing the caller in reads the primary: the session and its user.
    assert primary
    assert all('"django_session"' in sql or '"accounts_user"' in sql for sql in primary), primary
    assert any("GROUPING SETS" in sql for sql in replica)


def test_the_booking_path_reads_the_primary_while_a_replica_is_configured(october, as_):
    response, primary, replica = _reads(
        lambda: as_("aito_admin").get("/api/v1/outlets/SH-REPLICA-01/")
    )
    assert response.status_code == 200
    assert primary
    assert replica == []
