"""API conventions: the one error shape, pagination, domain errors as HTTP answers, and the
bases of the serializers (fields copied shallowly, or bound once per class)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import BindingDict
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


# A serializer that only renders: each instance takes a shallow copy of the declared fields
# instead of DRF's deep copy, which builds every field (and every nested serializer's fields)
# anew, about half of what a booking's representation cost. Safe because rendering never changes
# a field after `bind()`, which sets its name and parent on the copy (a nested `many=True` field
# gets a copy of its child, bound to it). Input serializers keep DRF's deep copies, or bind them
# once per class on a hot path (SharedFieldsInputSerializer below).
# (Comments, not docstrings: drf-spectacular shows a base class's docstring in the API schema as
# the description of each subclass without one.)
class OutputSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _render_copy(field) for name, field in self._declared_fields.items()}


def _render_copy(field: serializers.Field) -> serializers.Field:
    clone = copy.copy(field)
    clone.__dict__.pop("fields", None)  # a nested serializer binds fields of its own
    if isinstance(field, serializers.ListSerializer):
        # Its child was bound to it when it was declared: the copy gets a child of its own,
        # with the same binding but to the copy.
        clone.child = _render_copy(field.child)
        clone.child.parent = clone
    return clone


# Fields bound once per class, to one template instance, and shared by every instance after it:
# a serializer run on every booking write then builds no field at all (for the booking's
# representation the copies and binds were a tenth of a create's CPU, for its input a twentieth).
# Only for fields that read nothing but the value or instance they are given: no
# SerializerMethodField (it calls its parent) and no default or validator that asks for the
# context, since the parent and the context they would see are the template's; these are
# refused when the fields are first built. What an instance validates or renders stays its own
# (DRF keeps it on the serializer instance, never on its fields).
class _SharedFields:
    @property
    def fields(self) -> BindingDict:
        return _shared_fields(type(self))


class SharedFieldsOutputSerializer(_SharedFields, OutputSerializer):
    pass


class SharedFieldsInputSerializer(_SharedFields, serializers.Serializer):
    pass


@cache
def _shared_fields(serializer_class: type[serializers.Serializer]) -> BindingDict:
    template = serializer_class()
    fields = BindingDict(template)
    for name, field in template.get_fields().items():
        fields[name] = field
    _refuse_context_readers(serializer_class.__name__, fields)
    return fields


def _refuse_context_readers(owner: str, fields: BindingDict | dict) -> None:
    for name, field in fields.items():
        where = f"{owner}.{name}"
        if isinstance(field, serializers.SerializerMethodField):
            raise TypeError(f"{where} is a SerializerMethodField: it reads its parent.")
        if getattr(field.default, "requires_context", False) or any(
            getattr(validator, "requires_context", False) for validator in field.validators
        ):
            raise TypeError(f"{where} has a default or a validator that reads the context.")
        if isinstance(field, serializers.ListSerializer | serializers.ListField):
            _refuse_context_readers(where, {"child": field.child})
        elif isinstance(field, serializers.Serializer):
            _refuse_context_readers(where, field.fields)


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
