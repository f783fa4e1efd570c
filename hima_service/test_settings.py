"""The test suite's settings: the development defaults, as `make test` has them. Production's
fail-closed defaults are tested on their own, in subprocesses (tests/test_settings.py)."""

import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: E402, F403

# Tests write bookings with factories, which do not change the outlets' version tokens the way
# the booking services do: the answer cache is on only in the tests of the cache itself.
AVAILABILITY_CACHE_SECONDS = 0
