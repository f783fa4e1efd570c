"""The booking core's tables: bookings with their services, events and feedback; the outbox."""

from .booking import (
    ACTIVE_STATUSES,
    DESK_UNCOUNTED,
    PICKUP_MODES,
    Booking,
    BookingMode,
    BookingStatus,
    HoldsCrew,
    IsActive,
    TsTzRange,
)
from .notification import Notification, NotificationDelivery
from .parts import BookingEvent, BookingService, Feedback

__all__ = [
    "ACTIVE_STATUSES",
    "DESK_UNCOUNTED",
    "PICKUP_MODES",
    "Booking",
    "BookingEvent",
    "BookingMode",
    "BookingService",
    "BookingStatus",
    "Feedback",
    "HoldsCrew",
    "IsActive",
    "Notification",
    "NotificationDelivery",
    "TsTzRange",
]
