"""Path converters that accept only what an identifier can be, so a stray byte in a URL (a NUL,
say, which PostgreSQL refuses in text) is a 404 at the router instead of an error in the
database."""

from __future__ import annotations


class ReferenceConverter:
    """A booking reference such as HS-7KXP4M, in any case."""

    regex = "[A-Za-z0-9-]{1,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
