"""OpenAPI schema conventions: every operation documents the errors it can answer.

The errors come from places no view declares (authentication, permissions, throttles, the
exception handler, pagination, `RejectNulMiddleware`), so they are derived here, once, from what
the view and the operation are, each with the one error shape of `hima_service.api`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Query parameters that name one object (a vehicle id): someone else's is a 404, as in a path.
REFERENCE_QUERY_PARAMETERS = {"vehicle"}
# Writes that a domain rule can refuse with 409 (slot taken, invalid transition, a rated
# booking, a vehicle with history, a bay with bookings...); the sign-in and profile writes cannot.
NO_CONFLICT_PATHS = ("/api/v1/auth/", "/api/v1/me/")
# Writes limited per account and hour by their service, not by a DRF throttle (an owner's
# creates and reschedules, bookings.lifecycle.caps): 429 with Retry-After.
RATE_LIMITED = {
    ("POST", "/api/v1/bookings/"),
    ("POST", "/api/v1/bookings/{reference}/reschedule/"),
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape: a stable code, a sentence, and the inputs at fault where it applies."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input (field errors in `fields`), a malformed body, or a NUL character.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not one of yours.",
    "409": "Conflicts with the current state (e.g. the slot was just taken, or the car or the "
    "account already holds as many upcoming bookings as allowed: `booking_limit`).",
    "413": "The body is larger than the service accepts.",
    "415": "The body's content type is not one this operation reads.",
    "422": "This Idempotency-Key was already used for a different request.",
    "429": "Too many requests or failed sign-ins; see Retry-After.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, adding the documented error responses of each operation."""

    def error_statuses(self) -> list[str]:
        """The error statuses this operation can answer, derived from the view and the path."""
        view = self.view
        statuses: list[str] = []
        if self._has_input():
            statuses.append("400")
        if view.get_authenticators():
            statuses.append("401")  # a token that is not valid is refused even where anyone may
        permissions = getattr(view, "permission_classes", [])
        if any(not issubclass(permission, AllowAny) for permission in permissions):
            statuses.append("403")
        if (
            "{" in self.path
            or getattr(view, "not_found_for_others", False)
            or self._get_paginator() is not None
            or any(
                parameter["in"] == "query" and parameter["name"] in REFERENCE_QUERY_PARAMETERS
                for parameter in self._get_parameters()
            )
        ):
            statuses.append("404")  # an unknown or foreign object; a page past the end
        if self._has_body():
            statuses.append("413")  # over DATA_UPLOAD_MAX_MEMORY_SIZE (hima_service.api)
            statuses.append("415")  # a content type the view does not parse
        if self.method in UNSAFE_METHODS and not self.path.startswith(NO_CONFLICT_PATHS):
            statuses.append("409")
        if any(
            parameter["in"] == "header" and parameter["name"].lower() == "idempotency-key"
            for parameter in self._get_parameters()
        ):
            statuses.append("422")  # the key was already used for a different request
        if view.get_throttles() or (self.method, self.path) in RATE_LIMITED:
            statuses.append("429")
        return statuses

    def _has_body(self) -> bool:
        return self.method in UNSAFE_METHODS and self.method != "DELETE"

    def _has_input(self) -> bool:
        return self._has_body() or bool(self._get_parameters()) or "{" in self.path

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in self.error_statuses():
            if status not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, status, ["application/json"], direction
                )
                response["description"] = ERROR_DESCRIPTIONS[status]
                responses[status] = response
        return dict(sorted(responses.items()))
