"""Great-circle distance computed in SQL, so that sorting by distance happens in PostgreSQL."""

from __future__ import annotations

from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin
from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0088


def with_distance_km(queryset: QuerySet, *, latitude: float, longitude: float) -> QuerySet:
    """Annotate `distance_km` (spherical law of cosines, clamped against rounding past ±1)."""
    lat = Radians(F("latitude"), output_field=FloatField())
    lng = Radians(F("longitude"), output_field=FloatField())
    here_lat = Radians(latitude, output_field=FloatField())
    here_lng = Radians(longitude, output_field=FloatField())
    cosine = Sin(here_lat) * Sin(lat) + Cos(here_lat) * Cos(lat) * Cos(lng - here_lng)
    return queryset.annotate(
        distance_km=ACos(Least(Greatest(cosine, -1.0), 1.0), output_field=FloatField())
        * EARTH_RADIUS_KM
    )


def parse_lat_lng(value: str) -> tuple[float, float]:
    """Parse `lat,lng`; raise ValueError with a sentence a client can act on."""
    try:
        lat_text, lng_text = value.split(",")
        lat, lng = float(lat_text), float(lng_text)
    except ValueError as exc:
        raise ValueError(_("Use near=latitude,longitude, e.g. near=31.23,121.47.")) from exc
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError(_("Latitude must be within ±90 and longitude within ±180."))
    return lat, lng
