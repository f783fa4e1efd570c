"""Reads that pages of more than one audience show."""

from __future__ import annotations

from hima_service.language import in_chinese
from outlets.models import Outlet


def outlet_city_choices() -> list[tuple[str, str]]:
    """(city, its name in the reader's language) for each city with an active outlet; the
    value stays the stored (English) city, which the filters match."""
    rows = (
        Outlet.objects.filter(is_active=True)
        .order_by("city")
        .values_list("city", "city_zh")
        .distinct()
    )
    chinese: dict[str, str] = {}
    for city, city_zh in rows:
        chinese[city] = chinese.get(city) or city_zh
    return [(city, (in_chinese() and chinese[city]) or city) for city in chinese]
