"""VIN checks, delegated to vininfo (ISO 3779 alphabet, check digit, model-year code)."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from vininfo import Vin
from vininfo.exceptions import ValidationError as VinFormatError


def normalize_vin(value: str) -> str:
    """Upper-case and validate a VIN; raise a Django ValidationError naming what is wrong.

    Full-width letters and digits (a Chinese input method's) become ASCII first (NFKC), as
    one-time codes and phones do; other scripts stay refused."""
    value = unicodedata.normalize("NFKC", value or "")
    try:
        vin = Vin(value)
    except VinFormatError as exc:
        # vininfo's own sentences are English only: say the same thing in the user's language.
        length = len(value.strip())
        message = (
            _("A VIN has 17 characters (%(count)s given).") % {"count": length}
            if length != 17
            else _("A VIN uses only digits and capital letters, without I, O and Q.")
        )
        raise ValidationError(message, code="vin_format") from exc
    if vin.vis[0] in {"U", "Z", "0"}:
        raise ValidationError(
            _("Position 10 ('%(code)s') is not a valid model-year code.") % {"code": vin.vis[0]},
            code="vin_year",
        )
    # Chinese VINs (GB 16735) use the ISO 3779 check digit at position 9 like SAE ones;
    # check_year is off because the year code was checked above with a clearer message.
    if not vin.verify_checksum(check_year=False):
        raise ValidationError(
            _("The check digit (position 9) does not match; please re-check the VIN."),
            code="vin_checksum",
        )
    return vin.num


def vin_model_years(value: str) -> list[int]:
    """Model years the VIN's year code can stand for, most recent first, none in the future."""
    limit = date.today().year + 1  # noqa: DTZ011 - a calendar year, zone makes no difference
    return sorted((y for y in Vin(value).years if y <= limit), reverse=True)


_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def make_vin(first8: str, last8: str) -> str:
    """Build a VIN with the right check digit, for demo data and tests (validation stays in
    vininfo: this only generates)."""
    body = f"{first8}0{last8}".upper()
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11
    return f"{body[:8]}{'X' if total == 10 else total}{body[9:]}"
