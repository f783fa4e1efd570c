from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from hima_service.exceptions import RuleViolation

from .models import User
from .phones import normalize_phone


@transaction.atomic
def user_register(
    *,
    username: str,
    password: str,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = User.Language.ZH_HANS,
    time_zone: str = "",
) -> User:
    """Create an owner account; the password must pass the configured validators. A phone
    given is stored in its one form (accounts.phones), unverified."""
    user = User(
        username=username,
        email=email,
        phone=_phone(phone),
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    if time_zone:  # else the model's default
        user.time_zone = time_zone
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a sign-up of the same name, in any case, got there first
        raise ValidationError({"username": [_("This username is already taken.")]}) from exc
    return user


def _phone(value: str) -> str:
    """A typed phone in its one form, or "" for none; a field error on `phone` otherwise."""
    if not value.strip():
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: the secret (shown once, only its digest is stored) and its expiry."""

    token: str
    expires: dt.datetime


@transaction.atomic
def user_token(*, user: User) -> IssuedToken:
    """A new API token for this sign-in, expiring after settings.API_TOKEN_HOURS. The user's
    expired tokens go now: the authentication only checks the token it is shown."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user)
    return IssuedToken(token=token, expires=instance.expiry)


def token_revoke(*, token: AuthToken) -> None:
    """Sign one API token out: it answers 401 from now on."""
    AuthToken.objects.filter(pk=token.pk).delete()


def user_tokens_revoke(*, user: User) -> int:
    """Revoke every API token of the user; returns how many there were."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_password_change(
    *,
    user: User,
    old_password: str,
    new_password: str,
) -> User:
    """Change one's own password: the old one must be right and the new one pass the
    validators. Every API token is revoked. Every web session ends with it: Django checks a
    session's copy of the password hash on each request (a page keeps its own session with
    update_session_auth_hash)."""
    if not user.check_password(old_password):
        raise RuleViolation(
            _("The current password is not right."),
            fields={"old_password": [_("The current password is not right.")]},
        )
    return user_password_set(user=user, new_password=new_password)


def password_validate(*, user: User, new_password: str) -> None:
    """The configured password validators, refusing on the field `new_password`."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc


@transaction.atomic
def user_password_set(*, user: User, new_password: str) -> User:
    """Give the user a new password that passes the validators. Every API token is revoked,
    and every web session ends with it (each holds a copy of the password hash)."""
    password_validate(user=user, new_password=new_password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_tokens_revoke(user=user)
    return user


@transaction.atomic
def user_anonymize(*, user: User) -> User:
    """Blank a user's personal fields and close the account for good: no name, no contact, no
    password, no token, no session (inactive, and the password hash every session holds a copy
    of is gone). The row stays, so the history that points at it (bookings and their events,
    counted by the audit) keeps its shape without saying who it was."""
    user.username = f"erased-{uuid.uuid4().hex[:20]}"
    user.first_name = user.last_name = user.email = user.phone = ""
    user.verified_phone = user.verified_email = ""
    user.phone_verified_at = user.email_verified_at = None
    user.email_notifications = user.sms_notifications = False
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.one_time_codes.all().delete()  # each names the phone or address it went to
    user_tokens_revoke(user=user)
    return user


@transaction.atomic
def user_update(*, user: User, **changes) -> User:
    """Change a user's own profile and notification preferences (a phone in its one form)."""
    if not changes:
        return user
    if "phone" in changes:
        changes["phone"] = _phone(changes["phone"])
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user
