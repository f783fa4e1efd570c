"""The one gunicorn configuration: the Procfile (`make run`), the Docker image and bench/http.py
all start `gunicorn -c gunicorn.conf.py hima_service.wsgi`, so what is measured is what runs.

Every value can be set from the environment. The server listens on PORT (8000 by default) at
WEB_HOST: the loopback by default, so a development server is not reachable from the network;
the image sets WEB_HOST=0.0.0.0, as a container must answer on its own interface.
"""

import os
from pathlib import Path

from hima_service.worker import prepare_worker

bind = f"{os.environ.get('WEB_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Processes × threads: the requests wait mostly on PostgreSQL, so threads serve them well; each
# thread holds at most one database connection (CONN_MAX_AGE keeps it), which bounds the
# connections one server opens. WEB_CONCURRENCY is the name platforms set for the process count.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"

# A request taking longer than this is stuck: its worker is restarted (and logs a traceback).
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# Above the idle timeout of a proxy in front would be better; 5 s covers a browser's page load.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))

# One access line per request on stdout, errors on stderr: the process manager keeps both.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
errorlog = "-"

# Workers report to the arbiter through a file they touch; on a container's overlay disk those
# writes can stall a worker. /dev/shm is memory, where Linux has it.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"


def post_worker_init(worker) -> None:
    """Each worker, once it has loaded the application: every view loaded and that heap frozen
    (hima_service.worker). Here rather than in hima_service/wsgi.py, which tests and tools import
    too: freezing is for a server's process."""
    prepare_worker()
