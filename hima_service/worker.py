"""What a web worker does once, after loading the application and before its first request
(gunicorn.conf.py's post_worker_init calls it; the in-process benches call it to run as a
worker does).

Python's cyclic garbage collector walks every object it tracks, from time to time, to find
cycles. Most of what a worker tracks it loaded and keeps for its whole life (Django, the views,
numpy and scipy); a request that allocates much, as the alliance's audit views do, sets off
collections that walked all of that again each time. `gc.freeze()` moves what is loaded so far
out of the collector's sight, as the Python documentation describes for servers.

What a request allocates is still collected, but in fewer, larger collections. Python collects
its youngest objects after every 700 new ones (dicts, lists, instances), and every tenth time the
older ones too. The alliance's equity view keeps some hundred thousand such objects alive until
its answer is written (its rows, figures and tests), and collections that walked them again and
again took up to a seventh of its Python time. A worker collects after
settings.WEB_GC_THRESHOLD new objects instead (50,000 unless set; 0 turns the collector off, as
Python's own threshold does): the cycles small requests leave behind wait a few requests longer
to be freed, a few megabytes at most (docs/performance.md has the measurements).
"""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings


def prepare_worker() -> None:
    """Load every view (the URLconf imports them, and what they import), freeze the heap
    loaded so far, and collect what requests allocate after WEB_GC_THRESHOLD new objects."""
    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
    _first, *older = gc.get_threshold()
    gc.set_threshold(settings.WEB_GC_THRESHOLD, *older)
