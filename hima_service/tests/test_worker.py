"""A web worker loads every view and freezes that heap before its first request
(hima_service.worker, from gunicorn.conf.py's post_worker_init), so the collector does not walk
it again during a request, and collects what requests allocate after WEB_GC_THRESHOLD new
objects; importing the WSGI application alone does neither."""

import os
import subprocess
import sys

from hima_service.settings import BASE_DIR

# In a new interpreter: the freeze is for the whole process, and this one runs the other tests.
# As gunicorn does: the configuration read, the application loaded, then the worker's hook.
PROBE = """
import gc
python_default = gc.get_threshold()[0]
import runpy, sys
config = runpy.run_path("gunicorn.conf.py")
import hima_service.wsgi
before = gc.get_freeze_count(), gc.get_threshold()[0]
config["post_worker_init"](None)
after = gc.get_freeze_count(), gc.get_threshold()[0]
print(python_default, *before, *after, "web.dashboard.views.overview" in sys.modules)
"""


def test_a_worker_loads_every_view_freezes_it_and_collects_less_often():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", "WEB_GC_THRESHOLD": "12345"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    python_default, frozen_by_the_application, threshold_before, frozen, threshold, views_loaded = (
        done.stdout.split()
    )
    assert int(frozen_by_the_application) == 0
    assert int(threshold_before) == int(python_default)  # the application left it alone
    assert int(threshold) == 12345
    # Django, the views, numpy and scipy: far more than a bare interpreter's few thousand.
    assert int(frozen) > 50_000
    assert views_loaded == "True"
