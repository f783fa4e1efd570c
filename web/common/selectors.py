"""Reads that pages of more than one audience show."""

from __future__ import annotations

from outlets.models import Outlet


def outlet_cities() -> list[str]:
    """The cities with an active outlet, for the owners' search and the dashboard's filter."""
    return list(
        Outlet.objects.filter(is_active=True)
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    )
