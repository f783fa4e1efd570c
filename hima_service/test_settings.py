"""The test suite's settings: the development defaults, as `make test` has them. Production's
fail-closed defaults are tested on their own, in subprocesses (tests/test_settings.py)."""

import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: F403

# The availability answer cache is off, so that each test of the engine and its query counts
# computes; bookings/tests/test_availability_cache.py turns it on to test the cache itself.
AVAILABILITY_CACHE_SECONDS = 0
