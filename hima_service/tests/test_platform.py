"""The platform's conventions: error shape, health, deploy checks, migrations, server hints."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import path
from rest_framework.views import APIView

from hima_service.exceptions import SlotTaken
from hima_service.settings import BASE_DIR
from hima_service.testing import current_database_url

pytestmark = pytest.mark.django_db


class _Conflicting(APIView):
    permission_classes = []

    def post(self, request):
        raise SlotTaken()


urlpatterns = [
    path("api/v1/_conflict/", _Conflicting.as_view()),
]


@pytest.mark.parametrize(
    ("client_name", "method", "url", "payload", "status", "code"),
    [
        ("api", "get", "/api/v1/vehicles/", None, 401, "not_authenticated"),
        ("owner_api", "post", "/api/v1/vehicles/", {"vin": "x"}, 400, "invalid"),
        ("owner_api", "get", "/api/v1/vehicles/999999/", None, 404, "not_found"),
        ("owner_api", "get", "/api/v1/nowhere/", None, 404, "not_found"),
        ("owner_api", "put", "/api/v1/me/", {}, 405, "method_not_allowed"),
    ],
)
def test_every_error_has_the_one_shape(request, client_name, method, url, payload, status, code):
    client = request.getfixturevalue(client_name)
    response = getattr(client, method)(url, payload)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert set(body) <= {"code", "detail", "fields"}


def test_malformed_json_is_a_400_with_the_shape(owner_api):
    response = owner_api.generic(
        "POST", "/api/v1/vehicles/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@override_settings(ROOT_URLCONF=__name__)
def test_domain_errors_become_their_status_and_code(api):
    response = api.post("/api/v1/_conflict/")
    assert response.status_code == 409
    assert response.json() == {
        "code": "slot_taken",
        "detail": "That time was just taken; please choose another.",
    }


def test_healthz_answers_when_both_servers_do(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "redis": "ok"}


def test_healthz_names_redis_when_it_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["postgres"] == "ok"
    assert body["checks"]["redis"].startswith("Redis is not reachable")


def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_under_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="p" * 20 + "-production-only-key-" + "q" * 30,
        ALLOWED_HOSTS="service.hima.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_postgres_is_one_line_not_a_traceback():
    result = _manage("migrate", DATABASE_URL="postgres://postgres@127.0.0.1:1/hima")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "PostgreSQL is not reachable" in lines[0]
    assert "pg_ctlcluster" in lines[0]


def test_missing_redis_is_one_line_not_a_traceback():

    result = _manage(
        "check_services", REDIS_URL="redis://127.0.0.1:1/0", DATABASE_URL=current_database_url()
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Redis is not reachable" in result.stderr


def test_openapi_schema_is_valid_and_warning_free():
    result = _manage("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    assert result.returncode == 0, result.stderr


def test_api_docs_are_served(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content  # served locally, works offline
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/vehicles/" in schema.content
