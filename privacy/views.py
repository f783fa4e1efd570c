"""GET, PATCH and DELETE /api/v1/me/ and GET /api/v1/me/export/: one's own account, a copy of
everything held about it, and its erasure."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.views import MeView as AccountMeView
from hima_service.schema import ErrorSerializer

from .selectors import personal_data_export
from .services import account_erase


class EraseInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=128,
        help_text="The account's password, to confirm the erasure.",
    )


def export_response(user: User) -> HttpResponse:
    """The export as a JSON file download, named for the account and the day."""
    body = json.dumps(personal_data_export(user=user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="hima-my-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


class MeView(AccountMeView):
    @extend_schema(
        request=EraseInputSerializer,
        responses={204: None, 400: ErrorSerializer, 409: ErrorSerializer},
        description="Erase one's account: personal fields blanked, every token revoked, future "
        "bookings cancelled, the photos of one's car deleted and the inspection notes blanked; "
        "the anonymous history stays for the audit. Refused (409) while a car is at an outlet "
        "or a booking starts within 2 hours.",
    )
    def delete(self, request):
        serializer = EraseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account_erase(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        description="Everything the platform holds about the signed-in person, as JSON: the "
        "account, cars, bookings with services, history, feedback, the check-in inspection and "
        "the extra work proposed, and messages sent.",
    )
    def get(self, request):
        return export_response(request.user)
