"""Password validators of our own, where Django's fall short of the pages' two languages."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, refusing in the reader's language. Django 5.2 puts the length into its message
    before translating it ("…at least %d characters."), a message its own Chinese catalog does
    not hold (it has "%(min_length)d"), so this one refusal stood in English on Chinese pages
    beside the other validators' Chinese."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
