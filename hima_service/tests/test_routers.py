"""The audit's reads go to the replica, when one is configured, and nothing else does: writes,
other reads and migrations stay on the primary."""

import json
import os
import subprocess
import sys

import pytest
from django.db import router

from bookings.models import Booking
from hima_service.routers import AuditReplicaRouter, audit_database, audit_reads
from hima_service.settings import BASE_DIR


@pytest.fixture
def replica(settings):
    """The replica configured (the test settings define its alias, the default's mirror)."""
    settings.AUDIT_DATABASE = "replica"


def test_without_a_replica_the_audit_reads_the_primary():
    with audit_reads():
        assert audit_database() == "default"
        assert router.db_for_read(Booking) == "default"


def test_an_audit_database_that_names_no_configured_alias_is_the_primary(settings):
    settings.AUDIT_DATABASE = "replica-never-configured"
    with audit_reads():
        assert audit_database() == "default"
        assert router.db_for_read(Booking) == "default"


def test_with_a_replica_only_reads_inside_the_audit_go_there(replica):
    assert audit_database() == "replica"
    assert router.db_for_read(Booking) == "default"
    with audit_reads():
        assert router.db_for_read(Booking) == "replica"
        assert Booking.objects.all().db == "replica"
    assert router.db_for_read(Booking) == "default"


def test_writes_go_to_the_primary_even_inside_the_audit(replica):
    with audit_reads():
        assert router.db_for_write(Booking) == "default"
        read_there = Booking(reference="HS-READ01")
        read_there._state.db = "replica"
        assert router.db_for_write(Booking, instance=read_there) == "default"


def test_the_audit_block_ends_with_its_block_even_on_an_error(replica):
    with pytest.raises(RuntimeError), audit_reads():
        raise RuntimeError
    assert router.db_for_read(Booking) == "default"


def test_nested_audit_blocks_keep_the_outer_one(replica):
    with audit_reads():
        with audit_reads():
            pass
        assert router.db_for_read(Booking) == "replica"


def test_the_replica_is_never_migrated():
    routes = AuditReplicaRouter()
    assert routes.allow_migrate("default", "bookings") is True
    assert routes.allow_migrate("replica", "bookings") is False
    assert router.allow_migrate("replica", "bookings", model_name="booking") is False


def test_objects_of_both_aliases_relate():
    primary, copy = Booking(), Booking()
    primary._state.db, copy._state.db = "default", "replica"
    assert router.allow_relation(primary, copy) is True


def _settings_with(**env: str) -> dict:
    """The production settings module loaded in a process of its own, with these variables."""
    clean = {k: v for k, v in os.environ.items() if k != "REPLICA_DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, hima_service.settings as s; "
            "print(json.dumps({'databases': s.DATABASES, 'audit': s.AUDIT_DATABASE, "
            "'routers': s.DATABASE_ROUTERS}, default=str))",
        ],
        cwd=BASE_DIR,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_replica_unless_its_url_is_set():
    loaded = _settings_with()
    assert set(loaded["databases"]) == {"default"}
    assert loaded["audit"] == "default"
    assert loaded["routers"] == ["hima_service.routers.AuditReplicaRouter"]


@pytest.mark.parametrize(("binding", "threshold"), [("1", 5), ("0", None)])
def test_statements_are_prepared_only_with_server_side_binding(binding, threshold):
    options = _settings_with(DATABASE_SERVER_SIDE_BINDING=binding)["databases"]["default"][
        "OPTIONS"
    ]
    assert options["prepare_threshold"] == threshold


def test_the_replica_url_configures_the_replica_as_the_primary_is():
    loaded = _settings_with(
        REPLICA_DATABASE_URL="postgres://reader@replica.internal:5433/hima",
        CONN_MAX_AGE="30",
        DATABASE_SERVER_SIDE_BINDING="0",
    )
    replica = loaded["databases"]["replica"]
    assert loaded["audit"] == "replica"
    assert (replica["HOST"], replica["PORT"], replica["NAME"], replica["USER"]) == (
        "replica.internal",
        5433,
        "hima",
        "reader",
    )
    assert replica["CONN_MAX_AGE"] == 30
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["OPTIONS"] == {
        "connect_timeout": 5,
        "server_side_binding": False,
        "prepare_threshold": None,
        "options": "-c jit=off",
    }
    assert replica["TEST"] == {"MIRROR": "default"}
