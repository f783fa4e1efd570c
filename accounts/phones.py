"""Phone numbers in one form (E.164, "+8613800138000"), so that the phone an owner proved and
the phone in a brand's delivery record compare equal however each was typed."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(value: str) -> str:
    """E.164 form; a bare 11-digit mainland mobile number gets +86. Raises ValidationError.

    Full-width digits and plus (a Chinese input method's, or a spreadsheet's) become ASCII
    (NFKC); digits of other scripts are refused, so that one phone has one spelling."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if text.startswith("00"):
        text = "+" + text[2:]
    if re.fullmatch(r"1[3-9][0-9]{9}", text):
        text = "+86" + text
    if not re.fullmatch(r"\+[1-9][0-9]{7,14}", text) or (
        text.startswith("+86") and not re.fullmatch(r"\+861[3-9][0-9]{9}", text)
    ):
        raise ValidationError(_("Enter a mobile number, e.g. 13800138000 or +8613800138000."))
    return text


def same_phone(a: str, b: str) -> bool:
    """Whether two typed numbers are the same phone (either unreadable: not the same)."""
    try:
        return normalize_phone(a) == normalize_phone(b)
    except ValidationError:
        return False
