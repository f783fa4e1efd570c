"""An outlet's counter customer: the account that holds a walk-in car until its owner is
verified (DESIGN.md "Identity and trust"). One per outlet, created on first use; it never signs
in and has no address, so nothing is ever sent to it."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import User


def counter_username(outlet_code: str) -> str:
    return f"counter:{outlet_code.lower()}"


def counter_customer(*, outlet_code: str) -> User:
    """The outlet's counter customer, created the first time (a concurrent first use waits for
    the other's insert on the unique username and then reads it)."""
    username = counter_username(outlet_code)
    found = User.objects.filter(username=username, is_counter_customer=True).first()
    if found is not None:
        return found
    user = User(username=username, is_active=False, is_counter_customer=True)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return User.objects.get(username=username, is_counter_customer=True)
    return user
