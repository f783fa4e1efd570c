"""Whether a due message should still go out: the owner's choice of channels (safety notices
and one-time codes aside), a proven address, and whether what it is about still stands."""

from __future__ import annotations

from ..models import Booking, Feedback, Notification
from .outbox import REMINDERS, SAFETY_KINDS
from .render import recipient_address


def skip_reason(notification: Notification) -> str:
    """Why this message should not go out any more, or "" when it should."""
    user = notification.recipient
    # Safety notices (recalls) go out even to owners who opted out: docs/recalls.md.
    # A one-time code was asked for just now, by the person who is to receive it.
    safety = (
        notification.kind in SAFETY_KINDS or notification.kind == Notification.Kind.ONE_TIME_CODE
    )
    if notification.channel == Notification.Channel.SMS and not (user.sms_notifications or safety):
        return "owner opted out of SMS"
    if notification.channel == Notification.Channel.EMAIL and not (
        user.email_notifications or safety
    ):
        return "owner opted out of e-mail"
    if not recipient_address(notification):
        return "no address for this channel"
    if notification.kind != Notification.Kind.ONE_TIME_CODE and not _verified(notification):
        # An address nobody has proven gets nothing but its code (DESIGN "Identity and trust").
        return "address not verified"
    booking = notification.booking
    if (
        notification.kind in REMINDERS
        and booking is not None
        and booking.status != Booking.Status.CONFIRMED
    ):
        return f"booking is {booking.status}"
    if (
        notification.kind == Notification.Kind.FEEDBACK_REQUEST
        and booking is not None
        and Feedback.objects.filter(booking_id=booking.pk).exists()
    ):
        # Left within the two hours before the request came due: asking again would be noise.
        return "the owner already left feedback"
    return ""


def _verified(notification: Notification) -> bool:
    user = notification.recipient
    if notification.address:
        return False  # a code's own address: only codes go there
    if notification.channel == Notification.Channel.SMS:
        return user.phone_is_verified
    return user.email_is_verified
