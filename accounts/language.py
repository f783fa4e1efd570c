"""The one rule for the language of a signed-in user's answers: their saved choice.

Anonymous requests keep what Django's LocaleMiddleware chose (the language cookie set by the
switch, else Accept-Language)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from .models import User


def activate_user_language(request: HttpRequest, user: User) -> None:
    """Answer in the user's saved language, when it is one the site speaks."""
    if not user.language or not translation.check_for_language(user.language):
        return
    translation.activate(user.language)
    request.LANGUAGE_CODE = translation.get_language()
