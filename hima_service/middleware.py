"""Refuse NUL characters before any view runs.

PostgreSQL cannot store a NUL (U+0000) in text: a NUL that reaches a query is a `DataError`, a
500, possibly halfway through a transaction. No text this service accepts has a reason to hold
one, so a request carrying a NUL anywhere a view could read it (the path, the query string, a
header or cookie, a form, multipart or JSON body) is answered 400 in the one error shape, once,
here, instead of by every serializer, filter and lookup. In the path it is a 404, as for any
path that names nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

from .api import error_body
from .parsers import JsonTooDeep, json_loads

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_has_nul(body: bytes) -> bool:
    # A raw NUL byte is not valid JSON (the parser refuses it with its own 400); an escaped one
    # ("\u0000") decodes into a string, which is where it has to be looked for. A document too
    # deep to decode safely raises JsonTooDeep (hima_service.parsers).
    if b"\\u0000" not in body.lower() and b"\x00" not in body:
        return False
    try:
        document = json_loads(body)
    except ValueError:
        return b"\x00" in body
    return any(NUL in text for text in _strings(document))


def _form_has_nul(form: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in form.lists())


def _form_body_has_nul(request: HttpRequest, content_type: str) -> bool:
    if request.method == "POST":
        return _form_has_nul(request.POST) or any(
            NUL in (upload.name or "") for upload in request.FILES.values()
        )
    # Django parses a form body for POST only; DRF parses it for PUT and PATCH too.
    if content_type == "application/x-www-form-urlencoded":
        return _form_has_nul(QueryDict(request.body, encoding=request.encoding))
    # No PUT or PATCH takes a file, so a NUL byte anywhere in the body is in a text field.
    return b"\x00" in request.body


def where_nul(request: HttpRequest) -> str | None:
    """The part of the request that carries a NUL, or None."""
    if NUL in request.path_info:
        return "path"
    if NUL in request.META.get("QUERY_STRING", "") or _form_has_nul(request.GET):
        return "query string"
    if any(NUL in str(value) for key, value in request.META.items() if key.startswith("HTTP_")):
        return "headers"
    content_type = request.content_type or ""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    if content_type in FORM_TYPES:
        return "body" if _form_body_has_nul(request, content_type) else None
    if content_type.endswith(("/json", "+json")) and _json_has_nul(request.body):
        return "body"
    return None


class RejectNulMiddleware:
    """400 in the error shape for a request with a NUL in any text a view could read (404 for
    one in the path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            part = where_nul(request)
        except MultiPartParserError:
            part = None  # a malformed body is the parser's to refuse, with its own 400
        except JsonTooDeep as exc:
            # Refused here as the JSON parser refuses it: it cannot be searched for a NUL, and
            # passing it on unsearched would let a NUL through to views that read JSON.
            return JsonResponse(error_body("malformed_request", str(exc)), status=400)
        if part == "path":
            # A NUL in a path names nothing that can exist (codes, references and dates never
            # hold one): the answer any other unknown path gets, before a lookup could fail.
            return JsonResponse(error_body("not_found", "Not found."), status=404)
        if part is not None:
            return JsonResponse(
                error_body(
                    "invalid",
                    f"The request's {part} contains a NUL character (\\x00), "
                    "which is not allowed in any text.",
                ),
                status=400,
            )
        return self.get_response(request)
