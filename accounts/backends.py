"""Authentication backends."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in made over HTTP.

    Axes refuses an `authenticate()` without a request, since it counts per address. Outside a
    request (the shell, a management command, a script) there is no address and nobody to lock
    out, so the check is skipped there and the next backend decides alone. Every HTTP sign-in
    (the token endpoint, the admin's form) passes its request, and is counted.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
