"""`Idempotency-Key` for POSTs that create or change bookings (DESIGN rule 6).

The key row is inserted in the same transaction as the work it guards. A second request with
the same key blocks on the unique index until the first commits, then finds the stored answer
and replays it; if the first rolled back, the second does the work itself. So concurrent
repeats create one booking, and a crash between work and answer leaves neither behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.response import Response

from .exceptions import DomainError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = gettext_lazy("This Idempotency-Key was already used for a different request.")


class BadKey(DomainError):
    code = "invalid_idempotency_key"
    default_detail = gettext_lazy("The Idempotency-Key header must be 1 to 255 visible characters.")


def request_fingerprint(*, method: str, path: str, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotency_purge(*, now=None) -> int:
    """Forget keys older than 24 h; returns how many went."""
    cutoff = (now or timezone.now()) - TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class KeyClaim:
    """Either the new key row, to be filled with the answer, or the first request's row."""

    new: IdempotencyKey | None
    first: IdempotencyKey | None


def idempotency_claim(
    *, user: AbstractBaseUser, key: str, method: str, path: str, body: object
) -> KeyClaim:
    """Insert the key row inside the caller's transaction, or find the first request's.

    A concurrent repeat waits on the unique index until the first commits (then finds it) or
    rolls back (then inserts its own). The same key with another body raises KeyReused."""
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=timezone.now() - TTL).delete()
    try:
        with transaction.atomic():
            return KeyClaim(
                new=IdempotencyKey.objects.create(
                    user=user, key=key, method=method, path=path[:255], request_hash=fingerprint
                ),
                first=None,
            )
    except IntegrityError:
        existing = IdempotencyKey.objects.get(user=user, key=key)
        if existing.request_hash != fingerprint:
            raise KeyReused() from None
        return KeyClaim(new=None, first=existing)


def idempotency_answer(record: IdempotencyKey, *, status: int, body: object) -> None:
    """Keep the answer to replay, as the client received it (dates and decimals as their JSON
    strings)."""
    record.response_status = status
    record.response_body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    record.save(update_fields=["response_status", "response_body"])


def idempotent(view_method: Callable) -> Callable:
    """Decorate a DRF view's `post`: repeats with the same key replay the first answer."""

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise BadKey()
        with transaction.atomic():
            claim = idempotency_claim(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path,
                body=request.data,
            )
            if claim.first is not None:
                replay = Response(claim.first.response_body, status=claim.first.response_status)
                replay["Idempotent-Replayed"] = "true"
                return replay
            try:
                response = view_method(view, request, *args, **kwargs)
            except Exception as exc:  # rendered like DRF would, then stored
                response = view.handle_exception(exc)  # re-raises what would be a 500
            idempotency_answer(claim.new, status=response.status_code, body=response.data)
            return response

    return wrapper
