"""Settings fail closed: without DEBUG set, the development key and a missing key are refused."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from hima_service.settings import BASE_DIR, DEV_SECRET_KEY


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import hima_service.settings as s; print(s.DEBUG)"],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"SECRET_KEY": DEV_SECRET_KEY},
        {"SECRET_KEY": "short"},
        {"DEBUG": "0", "SECRET_KEY": DEV_SECRET_KEY},
    ],
    ids=["no-key", "development-key", "short-key", "debug-off-development-key"],
)
def test_production_settings_refuse_to_load_without_a_real_key(env):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set():
    result = _load_settings(SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_mode_accepts_the_development_key():
    result = _load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_no_jit_on_the_database_connections(db):
    """The audit's statements spent half their time in JIT compilation (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_connection_prepares_a_statement_it_repeats(db):
    """Server-side binding with psycopg's preparing on: after a few runs PostgreSQL holds the
    statement planned (docs/performance.md: the owner's ask measured with and without)."""
    statement = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int + 1 AS prepared_here", [1])
        cursor.execute(statement, ["%prepared_here%"])
        assert cursor.fetchone()[0] == 1
