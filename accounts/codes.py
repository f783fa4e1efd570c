"""One-time codes: 6 digits, valid 10 minutes, 5 tries, sending limited per address and per
account (DESIGN.md "Identity and trust").

Sending is limited by the hour (5 per address, 5 per account: a slow SMS is asked for again) and
an account by the day too (10). A code for an account is what opens it (a password reset), and
someone who keeps at one account would otherwise get 5 tries of 5 codes every hour: 600 guesses
a day. An address has no daily cap: a fleet's one phone in the delivery records verifies each of
its cars.

Only an HMAC-SHA256 of the code, keyed with SECRET_KEY and the row's purpose and address, is
stored: a copy of the table alone gives no code (a plain hash of 6 digits would be reversed by
trying the million of them). Codes are compared in constant time.

This module makes and checks codes; sending one is the outbox's job, which sits in a higher
layer (bookings.notify), so the service that issues a code (bookings.identity) records its
message in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hima_service.exceptions import TooManyAttempts

from .models import OneTimeCode, User

CODE_DIGITS = 6
# A code as people type it, for the API's and the pages' fields: its digits, spaces around
# forgiven (full-width digits too: code_check reads them as ASCII).
CODE_PATTERN = rf"^\s*\d{{{CODE_DIGITS}}}\s*$"
CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
SEND_WINDOW = timedelta(hours=1)
MAX_SENDS_PER_TARGET = 5
MAX_SENDS_PER_ACCOUNT = 5
ACCOUNT_DAY = timedelta(days=1)
MAX_SENDS_PER_ACCOUNT_DAY = 10
Limits = tuple[tuple[timedelta, int], ...]  # (window, sends allowed within it)
TARGET_LIMITS: Limits = ((SEND_WINDOW, MAX_SENDS_PER_TARGET),)
ACCOUNT_LIMITS: Limits = (
    (SEND_WINDOW, MAX_SENDS_PER_ACCOUNT),
    (ACCOUNT_DAY, MAX_SENDS_PER_ACCOUNT_DAY),
)


@dataclass(frozen=True)
class IssuedCode:
    row: OneTimeCode
    code: str  # the plain code, for the message only; never stored


def _digest(*, purpose: str, target: str, code: str) -> str:
    message = f"{purpose}:{target}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _check_send_limits(*, user: User, target: str, now: datetime) -> None:
    waits = [
        _wait(OneTimeCode.objects.filter(target=target), TARGET_LIMITS, now=now),
        _wait(OneTimeCode.objects.filter(user=user), ACCOUNT_LIMITS, now=now),
    ]
    if any(waits):
        raise TooManyAttempts(
            _("Too many codes were sent; please try again later."), retry_after=max(waits)
        )


def _wait(rows: QuerySet[OneTimeCode], limits: Limits, *, now: datetime) -> int:
    """Seconds until one more send among `rows` keeps within every (window, limit) of
    `limits`; 0 when it does now. One query."""
    longest = max(window for window, _limit in limits)
    most = max(limit for _window, limit in limits)
    times = list(
        rows.filter(created_at__gt=now - longest)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:most]
    )
    waits = [0]
    for window, limit in limits:
        within = [sent for sent in times if sent > now - window]
        if len(within) >= limit:
            # The oldest of the last `limit` sends leaves the window first.
            waits.append(max(int((within[limit - 1] + window - now).total_seconds()) + 1, 1))
    return max(waits)


@transaction.atomic
def code_issue(
    *, user: User, purpose: str, target: str, subject: str = "", now: datetime | None = None
) -> IssuedCode:
    """A new code for (user, purpose, subject) to `target`; earlier unused ones for the same
    purpose and subject stop working. Locks the user row, so one account's concurrent requests
    are counted one after the other against the sending limits."""
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_send_limits(user=user, target=target, now=now)
    OneTimeCode.objects.filter(
        user=user, purpose=purpose, subject=subject, used_at__isnull=True
    ).update(used_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = OneTimeCode.objects.create(
        user=user,
        purpose=purpose,
        target=target,
        subject=subject,
        code_hash=_digest(purpose=purpose, target=target, code=code),
        expires_at=now + CODE_TTL,
        created_at=now,
    )
    return IssuedCode(row=row, code=code)


def _ascii_digits(code: str) -> str:
    """The code typed, in ASCII digits: a Chinese input method in full-width mode types
    １２３４５６, which the forms accept as digits and must not count as a wrong try."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in code.strip())


def _refuse(message: str) -> ValidationError:
    return ValidationError({"code": [message]})


def code_check(
    *,
    user: User,
    purpose: str,
    code: str,
    subject: str = "",
    now: datetime | None = None,
    consume: bool = True,
) -> OneTimeCode:
    """The code row proven by `code`, marked used. A wrong code counts one try; the count is
    committed even though the caller's request then fails, so call this outside any transaction
    that a refusal rolls back (the views do: ATOMIC_REQUESTS is off).

    `consume=False` leaves a right code waiting, for a caller that may still refuse the request
    for another reason and would not have the code spent on it: it marks the code used with
    code_use, in the transaction that does what the code proves."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, subject=subject, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            raise _refuse(_("No code is waiting; ask for a new one."))
        if row.expires_at <= now:
            raise _refuse(_("This code has expired; ask for a new one."))
        if row.attempts >= MAX_TRIES:
            raise _refuse(_("Too many wrong codes; ask for a new one."))
        given = _digest(purpose=purpose, target=row.target, code=_ascii_digits(code))
        if hmac.compare_digest(given, row.code_hash):
            if consume:
                row.used_at = now
                row.save(update_fields=["used_at"])
            return row
        row.attempts += 1
        row.save(update_fields=["attempts"])
        left = MAX_TRIES - row.attempts
    if left <= 0:
        raise _refuse(_("Too many wrong codes; ask for a new one."))
    raise _refuse(_("Wrong code; %(left)s tries left.") % {"left": left})


def code_use(row: OneTimeCode, *, now: datetime | None = None) -> bool:
    """Mark a code that code_check(consume=False) proved as used; False if it was used or
    replaced by a newer one since (another request got there first)."""
    now = now or timezone.now()
    return bool(OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now))
