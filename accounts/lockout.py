"""Sign-in lockout: django-axes counts failed sign-ins in PostgreSQL, with one limit per account
and a much higher one per address.

Failures are counted per username in lower case (`sign_in_username`, AXES_USERNAME_CALLABLE): a
username signs in whatever its case (accounts.models), so "Li.Wei" and "LI.WEI" must be one count.

Axes compares one failure count with one limit (`AXES_FAILURE_LIMIT`, the account limit here).
`SignInLockoutHandler` counts the account's failures and the address's failures separately and
reports the account limit as soon as either reached its own limit, so every place axes decides
(before the password is checked, and after a failure) applies both limits.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import ngettext

from hima_service.api import error_body


@dataclass(frozen=True)
class Lockout:
    """Why a sign-in is refused and for how long."""

    detail: str
    retry_after: int  # seconds


def sign_in_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username the sign-in names, as axes finds it (the
    credentials, else the posted form), in lower case."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return username.lower() if isinstance(username, str) else username


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit for each lockout parameter."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry, in order: username, then ip_address.
        account, address = (_failures(q) for q in self.get_user_attempts(request, credentials))
        if address >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account


def _locked_until(attempts: QuerySet, limit: int, cool_off: dt.timedelta) -> dt.datetime | None:
    """When `attempts` fall below `limit`: axes forgets a row `cool_off` after its last failure,
    so the lock lasts until the row that brought the newest rows' sum to the limit expires."""
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


def sign_in_lockout(*, request: Any, credentials: dict | None) -> Lockout:
    """The lockout that refused this sign-in: which limit, and the seconds left."""
    cool_off = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    since = now - cool_off
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None)
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    account_until = _locked_until(
        recent.filter(username=username), settings.AXES_FAILURE_LIMIT, cool_off
    )
    address_until = _locked_until(
        recent.filter(ip_address=ip_address), settings.SIGNIN_ADDRESS_FAILURE_LIMIT, cool_off
    )
    if account_until is not None and (address_until is None or account_until >= address_until):
        by_address, until = False, account_until
    elif address_until is not None:
        by_address, until = True, address_until
    else:  # unlocked meanwhile (a race with the cool-off): the full period is a safe answer
        by_address, until = False, now + cool_off
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = math.ceil(seconds / 60)
    if by_address:
        detail = ngettext(
            "Too many failed sign-ins for this address; try again in %(minutes)d minute.",
            "Too many failed sign-ins for this address; try again in %(minutes)d minutes.",
            minutes,
        )
    else:
        detail = ngettext(
            "Too many failed sign-ins for this account; try again in %(minutes)d minute.",
            "Too many failed sign-ins for this account; try again in %(minutes)d minutes.",
            minutes,
        )
    return Lockout(detail=detail % {"minutes": minutes}, retry_after=seconds)


def is_locked_out(request: Any) -> bool:
    """Whether axes refused (or just locked) the sign-in that `authenticate()` ran."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> JsonResponse:
    """AXES_LOCKOUT_CALLABLE: the error shape for sign-ins outside the API (the admin's form).
    A page that already answered 429 says why in its own words (the web sign-in form)."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    AxesProxyHandler.update_request(request)
    lockout = sign_in_lockout(request=request, credentials=credentials)
    response = JsonResponse(error_body("throttled", lockout.detail), status=429)
    response["Retry-After"] = str(lockout.retry_after)
    return response


def lockout_clear(*, username: str) -> int:
    """Forget the account's failed sign-ins (its lockout ends now): for an owner who has just
    proven who they are by another way. Returns how many records went."""
    return reset(username=username.lower())
