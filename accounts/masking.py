"""Personal data shown masked, so that staff can confirm a person at the counter without
learning more than they need (PIPL's minimum-necessary rule): 李* and 138****8000."""

from __future__ import annotations

import re

from .models import User


def mask_name(name: str) -> str:
    """The first character, then one star: 李四 → 李*, Wei Li → W*."""
    name = name.strip()
    return f"{name[0]}*" if name else ""


def mask_phone(phone: str) -> str:
    """The first three and last four digits of the national number: 138****8000."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def masked_name_of(user: User) -> str:
    """The family name's first character (李*), else the given name's."""
    return mask_name(user.last_name or user.first_name or "")
