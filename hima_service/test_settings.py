"""The test suite's settings: the development defaults, as `make test` has them. Production's
fail-closed defaults are tested on their own, in subprocesses (tests/test_settings.py)."""

import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: F403

# The availability answer cache is off, so that each test of the engine and its query counts
# computes; bookings/tests/test_availability_cache.py turns it on to test the cache itself.
AVAILABILITY_CACHE_SECONDS = 0

# A replica alias that is the test database's mirror, whatever REPLICA_DATABASE_URL says, for
# the tests of the audit's reads through it (audit/tests/test_replica_reads.py), which point
# AUDIT_DATABASE at it. Every other test reads the audit from default: a mirror is a connection
# of its own, blind to the rows a test writes inside its transaction.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
AUDIT_DATABASE = "default"
