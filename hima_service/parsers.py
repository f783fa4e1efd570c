"""JSON bodies with a bounded nesting depth.

Python's `json` decodes arrays and objects by recursion: a body of a thousand `[` (under 2 KB)
raises RecursionError, which is no ValueError, so DRF's parser let it through as a 500 and wrote
a traceback per request. Everything that later walks a document (the NUL scan, validation of
nested input, the error shape's field messages) recurses too. So a document nested deeper than
MAX_JSON_DEPTH is refused where it is read, with the same 400 as any body that is not JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body any endpoint reads is an outlet's weekly hours (an object of a list of
# objects: three levels); 32 leaves room for any document a client has a reason to send and
# stays far below the interpreter's recursion limit (1,000 frames, shared with the request's
# own stack).
MAX_JSON_DEPTH = 32


def too_deep_detail() -> str:
    return gettext("The JSON body is nested more than %(levels)d levels deep.") % {
        "levels": MAX_JSON_DEPTH
    }


class JsonTooDeep(Exception):
    """A JSON document nested deeper than MAX_JSON_DEPTH."""

    def __init__(self) -> None:
        super().__init__(too_deep_detail())


def check_depth(document: Any) -> Any:
    """The document itself, or JsonTooDeep. Walks with a list of its own, not by recursion: `[]`
    is one level deep, `[[]]` two."""
    pending = [(document, 1)] if isinstance(document, dict | list) else []
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise JsonTooDeep
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return document


def json_loads(body: str | bytes) -> Any:
    """`json.loads` (ValueError for what is not JSON), and JsonTooDeep for what is too deep."""
    try:
        document = json.loads(body)
    except RecursionError as exc:
        raise JsonTooDeep from exc
    return check_depth(document)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 (not 500) for a document nested too deeply."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            return check_depth(super().parse(stream, media_type, parser_context))
        except (RecursionError, JsonTooDeep) as exc:
            raise ParseError(too_deep_detail()) from exc
