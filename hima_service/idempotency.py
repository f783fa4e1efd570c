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
from datetime import timedelta
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from .exceptions import DomainError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request."


class BadKey(DomainError):
    code = "invalid_idempotency_key"
    default_detail = "The Idempotency-Key header must be 1 to 255 visible characters."


def request_fingerprint(*, method: str, path: str, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotency_purge(*, now=None) -> int:
    """Forget keys older than 24 h; returns how many went."""
    cutoff = (now or timezone.now()) - TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


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
        fingerprint = request_fingerprint(
            method=request.method, path=request.path, body=request.data
        )
        with transaction.atomic():
            IdempotencyKey.objects.filter(
                user=request.user, key=key, created_at__lt=timezone.now() - TTL
            ).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:255],
                        request_hash=fingerprint,
                    )
            except IntegrityError:
                existing = IdempotencyKey.objects.get(user=request.user, key=key)
                if existing.request_hash != fingerprint:
                    raise KeyReused() from None
                replay = Response(existing.response_body, status=existing.response_status)
                replay["Idempotent-Replayed"] = "true"
                return replay
            try:
                response = view_method(view, request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - rendered like DRF would, then stored
                response = view.handle_exception(exc)  # re-raises what would be a 500
            record.response_status = response.status_code
            # Stored as the client received it (dates and decimals as their JSON strings).
            record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            record.save(update_fields=["response_status", "response_body"])
            return response

    return wrapper
