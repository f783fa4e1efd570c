"""Failed-login throttling for the sign-in page: the API's `login` rate, one setting for both.

Counted per client address like the API's ScopedRateThrottle (every attempt counts). When
django-axes is installed its backend refuses locked-out logins inside authenticate() and marks
the request (`axes_locked_out`); the page shows the same message for both."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class SignInThrottle(SimpleRateThrottle):
    scope = "login"  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"], shared with the API

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": f"web-{self.scope}", "ident": self.get_ident(request)}


def sign_in_refused_for(request: HttpRequest) -> int | None:
    """Seconds to wait when this attempt is over the limit, else None (and it is counted)."""
    throttle = SignInThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, round(throttle.wait() or 1))


def locked_out_by_backend(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))
