"""Display helpers: names in the reader's language, labels of stored choices."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from hima_service.language import in_chinese
from outlets.models import Amenity

from ..common import display
from ..common.display import local_name, money, visit_when
from ..common.navigation import NavLink, nav_links

register = template.Library()


register.filter("local_name", local_name)
register.filter("money", money)
register.simple_tag(visit_when, name="visit_when")


@register.filter
def model_name(model: Any) -> str:
    """A model's name beside its brand badge (web.common.display.model_name)."""
    return display.model_name(model)


@register.simple_tag(takes_context=True)
def role_links(context: template.Context) -> list[NavLink]:
    """The header's links for the signed-in user's roles (web.common.navigation)."""
    request = context.get("request")
    return nav_links(request) if request is not None else []


@register.filter
def amenity_labels(values: list[str]) -> list[str]:
    return [str(Amenity(value).label) for value in values if value in Amenity.values]


@register.filter
def local_join(values: list[Any]) -> str:
    """A list as the reader's language writes one: 餐饮、儿童区 in Chinese, "a, b" in English."""
    return ("、" if in_chinese() else ", ").join(str(value) for value in values)


@register.simple_tag
def list_sep() -> str:
    """Between the items of an inline list: 、 in Chinese, ", " in English."""
    return "、" if in_chinese() else ", "


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width in Chinese (配套设施：), ": " in English."""
    return "：" if in_chinese() else ": "


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
