"""Verifying an account's phone and e-mail address by a one-time code (DESIGN.md "Identity
and trust"). The code itself is accounts.codes'; this module, which can reach the outbox, sends
it and records the proof."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.codes import IssuedCode, code_check, code_issue
from accounts.models import OneTimeCode, User
from accounts.phones import normalize_phone

from ..models import Notification
from ..notify.identity import notify_code

Purpose = OneTimeCode.Purpose


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    return value


@transaction.atomic
def phone_code_request(*, user: User, phone: str) -> IssuedCode:
    """Set the account's phone (a new number is unverified) and send it a code by SMS."""
    phone = _phone(phone)
    if user.phone != phone:
        user.phone = phone
        user.save(update_fields=["phone"])
    issued = code_issue(user=user, purpose=Purpose.PHONE, target=phone)
    notify_code(issued=issued, channel=Notification.Channel.SMS)
    return issued


@transaction.atomic
def email_code_request(*, user: User, email: str) -> IssuedCode:
    """Set the account's e-mail address (a new one is unverified) and send it a code."""
    email = _email(email)
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    issued = code_issue(user=user, purpose=Purpose.EMAIL, target=email)
    notify_code(issued=issued, channel=Notification.Channel.EMAIL)
    return issued


def _changed_since(row: OneTimeCode, current: str) -> ValidationError | None:
    if row.target.lower() != current.lower():
        return ValidationError(
            {"code": [_("The address changed after this code was sent; ask for a new one.")]}
        )
    return None


def phone_code_confirm(*, user: User, code: str) -> User:
    """Prove the account's phone with its code. The number then belongs to this account alone:
    another account that had verified it (a number passed on by the carrier) loses that.
    The code is checked first, outside the transaction, so a wrong try stays counted."""
    row = code_check(user=user, purpose=Purpose.PHONE, code=code)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if (error := _changed_since(row, locked.phone)) is not None:
            raise error
        User.objects.filter(verified_phone=locked.phone).exclude(pk=locked.pk).update(
            verified_phone="", phone_verified_at=None
        )
        locked.verified_phone = locked.phone
        locked.phone_verified_at = timezone.now()
        locked.save(update_fields=["verified_phone", "phone_verified_at"])
    return locked


def email_code_confirm(*, user: User, code: str) -> User:
    """Prove the account's e-mail address with its code (checked as phone_code_confirm's)."""
    row = code_check(user=user, purpose=Purpose.EMAIL, code=code)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if (error := _changed_since(row, locked.email)) is not None:
            raise error
        locked.verified_email = locked.email
        locked.email_verified_at = timezone.now()
        locked.save(update_fields=["verified_email", "email_verified_at"])
    return locked
