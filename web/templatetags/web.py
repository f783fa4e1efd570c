"""Display helpers: names in the reader's language, labels of stored choices."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from outlets.models import Amenity

from ..common.display import local_name

register = template.Library()


register.filter("local_name", local_name)


@register.filter
def amenity_labels(values: list[str]) -> list[str]:
    return [str(Amenity(value).label) for value in values if value in Amenity.values]


EVENT_LABELS = {
    "created": _("Booked"),
    "rescheduled": _("Rescheduled"),
    "walk_in": _("Walked in"),
    "feedback": _("Rated"),
    "bay_assigned": _("Bay assigned"),
    "status": _("Status changed"),
}


@register.filter
def event_label(event: Any) -> str:
    """What happened, in words; a status change also names the new status."""
    label = str(EVENT_LABELS.get(event.kind, event.kind))
    if event.to_status in Booking.Status.values and event.kind != "created":
        label = f"{label}: {Booking.Status(event.to_status).label}"
    return label
