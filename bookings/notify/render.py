"""A notification as the owner reads it: in their language, with the outlet's own clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User

from ..models import Booking, Notification
from .channels import OutgoingMessage

LANGUAGES = ("zh-hans", "en")


def recipient_address(notification: Notification) -> str:
    if notification.address:
        return notification.address
    user = notification.recipient
    return user.phone if notification.channel == Notification.Channel.SMS else user.email


def _when(moment: datetime, zone_name: str, language: str) -> str:
    """A time in the outlet's zone, with the zone and its offset spelled out."""
    local = moment.astimezone(ZoneInfo(zone_name))
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    if language == "zh-hans":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（{zone_name}，{utc}）"
    return f"{local:%a %-d %b %Y, %H:%M} ({zone_name}, {utc})"


def _start(notification: Notification, booking: Booking) -> datetime:
    """The start a message tells: the one frozen in its facts when it was recorded (a
    "rescheduled" message names its own reschedule's start, not a later one), else the
    booking's current start (reminders move with the booking)."""
    frozen = notification.context.get("start")
    return datetime.fromisoformat(frozen) if frozen else booking.start


def greeting_name(user: User, language: str) -> str:
    """Whom a message greets: the whole name in Chinese (李华，您好 — a given name alone is for
    family and friends there), the given name in English (Hello Anna); the username when the
    account has no name."""
    if language == "zh-hans":
        return user.display_name
    return user.first_name or user.username


def _context(notification: Notification, language: str) -> dict:
    user = notification.recipient
    context: dict = {
        "name": greeting_name(user, language),
        "kind": notification.kind,
        "facts": notification.context,
    }
    booking = notification.booking
    if booking is not None:
        outlet = booking.outlet
        context.update(
            reference=booking.reference,
            # In the owner's language (active here), each falling back to the English.
            outlet_name=outlet.display_name,
            outlet_address=outlet.display_address,
            outlet_phone=outlet.phone,
            when=_when(_start(notification, booking), outlet.time_zone, language),
            vehicle=booking.vehicle,
        )
    vehicle = notification.vehicle or (booking.vehicle if booking else None)
    if vehicle is not None:
        model = vehicle.model
        context["vehicle_name"] = (
            # The Chinese model names already carry the brand ("问界M7").
            model.name_zh or f"{model.brand.name_zh or model.brand.name} {model.name}"
            if language == "zh-hans"
            else f"{model.brand.name} {model.name}"
        )
        context["vehicle_id"] = vehicle.plate or f"VIN …{vehicle.vin[-6:]}"
    return context


def notification_render(notification: Notification) -> OutgoingMessage:
    """The message in the owner's language: template `notifications/<kind>.<lang>.txt`, whose
    first line is the subject and the rest the body."""
    language = notification.recipient.language
    if language not in LANGUAGES:
        language = "en"
    with translation.override(language):
        text = render_to_string(
            f"notifications/{notification.kind}.{language}.txt",
            _context(notification, language),
        )
    subject, _, body = text.strip().partition("\n")
    return OutgoingMessage(
        key=notification.key,
        channel=notification.channel,
        to=recipient_address(notification),
        subject=subject.strip(),
        body=body.strip(),
        language=language,
    )
