"""What a web worker does once, after loading the application and before its first request
(gunicorn.conf.py's post_worker_init calls it; the in-process benches call it to run as a
worker does).

Python's cyclic garbage collector walks every object it tracks, from time to time, to find
cycles. Most of what a worker tracks it loaded and keeps for its whole life (Django, the views,
numpy and scipy); a request that allocates much, as the alliance's audit views do, sets off
collections that walked all of that again each time. `gc.freeze()` moves what is loaded so far
out of the collector's sight, as the Python documentation describes for servers; what a request
allocates is collected as before (docs/performance.md has the measurements).
"""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings


def prepare_worker() -> None:
    """Load every view (the URLconf imports them, and what they import) and freeze the heap
    loaded so far."""
    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
