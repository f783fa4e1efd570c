"""Form fields more than one audience's pages ask for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.codes import CODE_PATTERN


class CodeField(forms.RegexField):
    """A one-time code as accounts.codes makes them: 6 digits, spaces around forgiven. The
    browser offers the code of a text message it just received (autocomplete one-time-code)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            regex=CODE_PATTERN,
            max_length=12,
            label=_("Code (6 digits)"),
            error_messages={"invalid": _("Enter the 6 digits of the code.")},
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            **kwargs,
        )
