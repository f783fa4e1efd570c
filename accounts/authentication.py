"""DRF authentication that also switches to the user's saved language.

Token-authenticated API calls are authenticated inside the view, after every middleware ran, so
the language is set here: the error messages DRF and the services produce afterwards follow it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme, TokenScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request

from .language import activate_user_language
from .selectors import token_with_user


class _UserLanguageMixin:
    def authenticate(self, request: Request):
        result = super().authenticate(request)  # type: ignore[misc]
        if result is not None:
            activate_user_language(request._request, result[0])
        return result


class LanguageTokenAuthentication(_UserLanguageMixin, TokenAuthentication):
    def authenticate_credentials(self, key: str):
        # DRF's own check, with the token read without the query compiler (a millisecond of
        # CPU on every signed-in request).
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)


class LanguageSessionAuthentication(_UserLanguageMixin, SessionAuthentication):
    pass


# Their OpenAPI descriptions: the standard token and session schemes.
class LanguageTokenScheme(TokenScheme):
    target_class = LanguageTokenAuthentication


class LanguageSessionScheme(SessionScheme):
    target_class = LanguageSessionAuthentication
