"""How catalog objects read in the current language (the catalog keeps a Chinese name)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def local_name(obj: Any) -> str:
    """`name_zh` for Chinese readers when the catalog has one, else `name`."""
    chinese = getattr(obj, "name_zh", "")
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return getattr(obj, "name", str(obj))
