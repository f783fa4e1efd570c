from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


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
) -> User:
    """Create an owner account; the password must pass the configured validators."""
    user = User(
        username=username,
        email=email,
        phone=phone,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_token(*, user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def user_update(*, user: User, **changes) -> User:
    """Change a user's own profile and notification preferences."""
    if not changes:
        return user
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user
