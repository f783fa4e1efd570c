"""Throttling of the create-account page at the API's register rate (REGISTER_THROTTLE_RATE),
and of the forgotten-password pages at the API's (PASSWORD_RESET_THROTTLE_RATE), counted per
client address like the API's ScopedRateThrottle. Sign-in is not rate-throttled:
django-axes locks accounts after failed attempts, for the page as for the API
(accounts.lockout)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class _PageThrottle(SimpleRateThrottle):
    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": f"web-{self.scope}", "ident": self.get_ident(request)}


class CreateAccountThrottle(_PageThrottle):
    scope = "register"


class PasswordResetThrottle(_PageThrottle):
    scope = "password-reset"


def refused_for(request: HttpRequest, throttle_class: type[_PageThrottle]) -> int | None:
    """Seconds to wait when this attempt is over the limit, else None (and it is counted)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, round(throttle.wait() or 1))


def create_account_refused_for(request: HttpRequest) -> int | None:
    return refused_for(request, CreateAccountThrottle)


def password_reset_refused_for(request: HttpRequest) -> int | None:
    return refused_for(request, PasswordResetThrottle)
