#!/usr/bin/env python
"""Django's command-line utility, with a one-line answer when a server is down."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line
from django.db import OperationalError as DatabaseDown
from redis.exceptions import ConnectionError as RedisDown

from hima_service.health import START_POSTGRES, START_REDIS


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hima_service.settings")
    # manage.py is the developer's command line (makemigrations, shell, seed_demo): development
    # mode unless DEBUG is set. What serves requests (gunicorn through wsgi.py, the Celery
    # worker and beat) reads the settings as they are, and fails closed.
    os.environ.setdefault("DEBUG", "1")

    try:
        execute_from_command_line(sys.argv)
    except DatabaseDown as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.exit(f"error: PostgreSQL is not reachable ({first_line}); {START_POSTGRES}.")
    except RedisDown as exc:
        sys.exit(f"error: Redis is not reachable ({exc}); {START_REDIS}.")
    except ImproperlyConfigured as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
