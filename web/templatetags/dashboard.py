"""Template helpers of the audit dashboard: a figure by its column, as text and as its raw
value (the CSV's number, for `data-value`)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from bookings.models import Booking

from ..dashboard.audit_tables import Column, Kind, format_figure

register = template.Library()

HYPHENATED = re.compile(r"(\S+-\S+)")


@register.filter
def figure_value(row: Any, key: str) -> Any:
    """The raw figure: the number the API and the CSV carry (unrounded)."""
    return getattr(row, key)


@register.filter
def figure_text(row: Any, column: Column) -> str:
    return format_figure(getattr(row, column.key), column.kind)


@register.filter
def formatted(value: float | int | None, kind: Kind) -> str:
    return format_figure(value, kind)


@register.filter
def whole_words(label: Any) -> str:
    """A heading whose hyphenated words ("No-shows", "On-time") never break at the hyphen."""
    return mark_safe(  # noqa: S308 - escaped here, only the spans are markup
        HYPHENATED.sub(r'<span class="nowrap">\1</span>', conditional_escape(str(label)))
    )


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def flagged(flags: set, *parts: Any) -> bool:
    return tuple(parts) in flags


@register.filter
def status_label(value: str) -> str:
    return str(Booking.Status(value).label) if value in Booking.Status.values else value
