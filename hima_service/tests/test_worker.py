"""A web worker loads every view and freezes that heap before its first request
(hima_service.worker), so the collector does not walk it again during a request."""

import os
import subprocess
import sys

from hima_service.settings import BASE_DIR

# In a new interpreter: the freeze is for the whole process, and this one runs the other tests.
PROBE = """
import gc, sys
import hima_service.wsgi
print(gc.get_freeze_count(), "web.dashboard.views.overview" in sys.modules)
"""


def test_a_worker_loads_every_view_then_freezes_what_it_loaded():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    frozen, views_loaded = done.stdout.split()
    # Django, the views, numpy and scipy: far more than a bare interpreter's few thousand.
    assert int(frozen) > 50_000
    assert views_loaded == "True"
