"""Each bench's own database: DATABASE_URL's name with the bench's suffix after it (`hima_bench`,
`hima_bench_http`, … for the default `hima`), so that two checkouts on different databases never
share a bench database; an environment variable of the bench's names another outright.

Imports nothing of Django: the benches call it before they set Django up on what it names."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hima"


def bench_database_url(suffix: str, *, override: str) -> str:
    """The URL in the environment variable `override` when set, else DATABASE_URL (the local
    `hima` database by default) with `suffix` after its database name."""
    if os.environ.get(override):
        return os.environ[override]
    base = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(base._replace(path=f"{base.path.rstrip('/') or '/hima'}{suffix}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
