"""Throttling of the sign-in and sign-up pages at the API's rates, one setting for both.

REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"] and ["register"] (LOGIN_THROTTLE_RATE,
REGISTER_THROTTLE_RATE) apply to the pages as to the API's ScopedRateThrottle: counted per
client address, every attempt counts, separate counters from the API's. When django-axes is
installed its backend refuses locked-out logins inside authenticate() and marks the request
(`axes_locked_out`); the sign-in page shows the same message for both."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class _PageThrottle(SimpleRateThrottle):
    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": f"web-{self.scope}", "ident": self.get_ident(request)}


class SignInThrottle(_PageThrottle):
    scope = "login"


class CreateAccountThrottle(_PageThrottle):
    scope = "register"


def refused_for(request: HttpRequest, throttle_class: type[_PageThrottle]) -> int | None:
    """Seconds to wait when this attempt is over the limit, else None (and it is counted)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, round(throttle.wait() or 1))


def sign_in_refused_for(request: HttpRequest) -> int | None:
    return refused_for(request, SignInThrottle)


def create_account_refused_for(request: HttpRequest) -> int | None:
    return refused_for(request, CreateAccountThrottle)


def locked_out_by_backend(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))
