"""Channel backends: how a rendered message leaves the system.

A backend is any class with `send(message) -> str` (the provider's reference, or "") that raises
on failure; delivery retries with back-off and records the error. Choose them in settings:

    NOTIFICATION_BACKENDS = {
        # default: one log line per SMS
        "sms": "bookings.notify.channels.ConsoleSmsBackend",
        # Django's EMAIL_BACKEND (console by default)
        "email": "bookings.notify.channels.DjangoEmailBackend",
    }

`HttpSmsBackend` posts to an SMS gateway (settings `NOTIFICATION_SMS_HTTP_URL`, optional
`NOTIFICATION_SMS_HTTP_TOKEN` sent as `Authorization: Bearer …`, `NOTIFICATION_SMS_HTTP_TIMEOUT`
seconds) one JSON object per message:

    POST <url>
    Content-Type: application/json
    Idempotency-Key: <notification key>
    {"message_id": "<notification key>", "to": "+8613800000000", "text": "…", "language": "en"}

Any 2xx answer is success; `{"id": "…"}` in the answer is kept as the provider reference. The
notification key is sent as the idempotency key: a gateway that honours it turns the one resend
that a worker crash can cause into a no-op (see `bookings.notify.delivery`). E-mail carries the
key in `X-HIMA-Notification-Key` and a Message-ID derived from it, so mail clients fold a resend
too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger("hima.notifications")


@dataclass(frozen=True)
class OutgoingMessage:
    key: str
    channel: str
    to: str
    subject: str
    body: str
    language: str


class ChannelError(Exception):
    """The channel refused or failed to take the message; delivery retries later."""


class ChannelBackend(Protocol):
    def send(self, message: OutgoingMessage) -> str: ...


class ConsoleSmsBackend:
    """Development SMS: one log line per message, `SMS <key> to <phone>: <text>`."""

    def send(self, message: OutgoingMessage) -> str:
        text = " ".join(message.body.split())
        logger.info("SMS %s to %s: %s", message.key, message.to, text)
        return ""


class HttpSmsBackend:
    """An SMS gateway reached over HTTP with a JSON body (the format is in the module doc)."""

    def __init__(self) -> None:
        self.url = settings.NOTIFICATION_SMS_HTTP_URL
        self.token = settings.NOTIFICATION_SMS_HTTP_TOKEN
        self.timeout = settings.NOTIFICATION_SMS_HTTP_TIMEOUT
        if not self.url:
            raise ChannelError("NOTIFICATION_SMS_HTTP_URL is not set.")

    def send(self, message: OutgoingMessage) -> str:
        payload = {
            "message_id": message.key,
            "to": message.to,
            "text": message.body,
            "language": message.language,
        }
        headers = {"Content-Type": "application/json", "Idempotency-Key": message.key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            self.url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"SMS gateway answered {exc.code}: {exc.read()[:200]!r}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ChannelError(f"SMS gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(answer or b"{}").get("id", ""))[:128]
        except (ValueError, AttributeError):
            return ""


class DjangoEmailBackend:
    """E-mail through Django's configured EMAIL_BACKEND (console by default)."""

    def send(self, message: OutgoingMessage) -> str:
        digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={
                "X-HIMA-Notification-Key": message.key,
                "Message-ID": f"<{digest}@notifications.hima-service>",
            },
        )
        email.send(fail_silently=False)
        return ""


@cache
def _backend_class(path: str) -> type:
    return import_string(path)


def backend_for(channel: str) -> ChannelBackend:
    """A fresh backend for the channel, from settings.NOTIFICATION_BACKENDS."""
    return _backend_class(settings.NOTIFICATION_BACKENDS[channel])()
