"""DRF authentication that also switches to the user's saved language.

Token-authenticated API calls are authenticated inside the view, after every middleware ran, so
the language is set here: the error messages DRF and the services produce afterwards follow it.

API tokens are django-rest-knox's: one per sign-in, stored as a digest, each with its expiry
(settings.REST_KNOX["TOKEN_TTL"]), revoked by signing out or by a password change.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from .language import activate_user_language


class _UserLanguageMixin:
    def authenticate(self, request: Request):
        result = super().authenticate(request)  # type: ignore[misc]
        if result is not None:
            activate_user_language(request._request, result[0])
        return result


class LanguageTokenAuthentication(_UserLanguageMixin, TokenAuthentication):
    """Knox's token check (`Authorization: Token <token>`); an expired token is a 401."""

    def authenticate_credentials(self, token: bytes):
        # Knox decodes the header's bytes as UTF-8 unguarded: a Latin-1 byte would be a 500.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        # Knox also reads and deletes every other expired token of the user on each request (a
        # query per request); here only the token presented is checked, and a user's expired
        # tokens are deleted when they sign in again (accounts.services.user_token).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class LanguageSessionAuthentication(_UserLanguageMixin, SessionAuthentication):
    pass


# Their OpenAPI descriptions: a bearer-style token with the `Token` keyword, and the session.
class LanguageTokenScheme(OpenApiAuthenticationExtension):
    target_class = LanguageTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix=self.target.authenticate_header(None),
        )


class LanguageSessionScheme(SessionScheme):
    target_class = LanguageSessionAuthentication
