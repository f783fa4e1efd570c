from django.contrib.auth import authenticate, update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from hima_service.exceptions import TooManyAttempts
from hima_service.schema import ErrorSerializer

from .authentication import LanguageTokenAuthentication
from .lockout import is_locked_out, sign_in_lockout
from .selectors import user_roles
from .serializers import (
    MeOutputSerializer,
    MeUpdateSerializer,
    PasswordChangeInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from .services import (
    token_revoke,
    user_password_change,
    user_register,
    user_token,
    user_update,
)


def _me_payload(user) -> dict:
    fields = ["id", "username", "email", "phone", "first_name", "last_name"]
    fields += ["language", "time_zone", "email_notifications", "sms_notifications"]
    fields += ["phone_is_verified", "email_is_verified"]  # proven by a code
    return MeOutputSerializer(
        {**{f: getattr(user, f) for f in fields}, **user_roles(user=user)}
    ).data


class RegisterView(APIView):
    # Token auth only so that a refusal is a 401 with WWW-Authenticate, never a CSRF 403.
    authentication_classes = [LanguageTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterInputSerializer, responses={201: RegisterOutputSerializer})
    def post(self, request):
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        issued = user_token(user=user)
        return Response(
            {**_me_payload(user), "token": issued.token, "expires": issued.expires},
            status=status.HTTP_201_CREATED,
        )


class TokenView(APIView):
    """Exchange a username and password for a new API token and its expiry.

    Every sign-in issues its own token (django-rest-knox), valid for settings.API_TOKEN_HOURS;
    signing out revokes it, and a password change revokes them all.

    Failed attempts lock the account (and, after many more, the address) for a while: django-axes
    counts them in PostgreSQL through `authenticate()`. Successful sign-ins are never counted.
    """

    # Token auth only so that a refusal is a 401 with WWW-Authenticate, never a CSRF 403.
    authentication_classes = [LanguageTokenAuthentication]
    permission_classes = [AllowAny]
    # No rate throttle: a per-address rate counted correct sign-ins and locked out a whole outlet.
    throttle_classes: list = []

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, 429: ErrorSerializer},
    )
    def post(self, request):
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credentials = serializer.validated_data
        user = authenticate(request=request, **credentials)
        if user is None:
            if is_locked_out(request):
                lockout = sign_in_lockout(request=request, credentials=credentials)
                raise TooManyAttempts(lockout.detail, retry_after=lockout.retry_after)
            raise AuthenticationFailed(_("Wrong username or password."))
        issued = user_token(user=user)
        return Response(TokenOutputSerializer(issued).data)


class LogoutView(APIView):
    """Revoke the token this request was signed with: it answers 401 from now on."""

    authentication_classes = [LanguageTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request):
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Change one's own password. Every API token is revoked (the one used here too: sign in
    again) and every other web session ends; a web session that asks keeps going."""

    @extend_schema(
        request=PasswordChangeInputSerializer,
        responses={204: None, 400: ErrorSerializer, 401: ErrorSerializer},
    )
    def post(self, request):
        serializer = PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_password_change(user=request.user, **serializer.validated_data)
        if request.auth is None:  # signed in by session: keep this one
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: MeOutputSerializer})
    def get(self, request):
        return Response(_me_payload(request.user))

    @extend_schema(request=MeUpdateSerializer, responses={200: MeOutputSerializer})
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = user_update(user=request.user, **serializer.validated_data)
        return Response(_me_payload(user))
