"""API conventions: the one error shape, pagination, domain errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError

DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def error_body(code: str, detail: str, fields: dict | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def _first_message(value: Any) -> str | None:
    if isinstance(value, dict):
        for item in value.values():
            found = _first_message(item)
            if found:
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = _first_message(item)
            if found:
                return found
        return None
    return str(value) if value else None


def _messages(detail: Any, where: str = "") -> list[str]:
    """Every message under one input, each prefixed with where it sits inside that input
    (`"0: …"` for a list item, `"11.weekday: …"` deeper), so that `fields` keeps its documented
    shape, one flat list of messages per input, however deep the error is."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        items = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return [f"{where}: {message}" if where else str(message) for message in messages]
    found: list[str] = []
    for key, value in items:
        found += _messages(value, f"{where}.{key}" if where else str(key))
    return found


def _validation_body(detail: Any) -> dict[str, Any]:
    non_field_key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        fields = {key: _messages(value) for key, value in detail.items() if key != non_field_key}
        general = detail.get(non_field_key)
        message = _first_message(general) or _("Some fields are not valid.")
        if fields and general:
            fields[non_field_key] = _messages(general)
        return error_body("invalid", message, fields or None)
    return error_body("invalid", _first_message(detail) or _("The request is not valid."))


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render every API error as `{"code", "detail", "fields"?}`."""
    if isinstance(exc, DomainError):
        retry_after = getattr(exc, "retry_after", None)
        return Response(
            error_body(exc.code, exc.detail, exc.fields),
            status=exc.status_code,
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
        return response
    code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), None)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if code is None:
        code = getattr(detail, "code", None) or "error"
    response.data = error_body(str(code), str(_first_message(detail) or detail))
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON for API paths (the one error shape), Django's page for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND
        )
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Requests Django itself refuses before any view can (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields): the one error shape for API paths, Django's
    page for everything else."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = _("The request body is larger than the %(size)s this service accepts.") % {
            "size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
        return JsonResponse(
            error_body("request_too_large", detail),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        detail = _("The request has more fields than this service reads.")
        return JsonResponse(
            error_body("too_many_fields", detail), status=status.HTTP_400_BAD_REQUEST
        )
    return JsonResponse(
        error_body("bad_request", _("The request is not valid.")),
        status=status.HTTP_400_BAD_REQUEST,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
