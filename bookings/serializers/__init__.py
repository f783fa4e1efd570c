"""The booking API's plain serializers, one reader to a module: what a client sends (inputs.py),
a booking as its owner and staff read it (outputs.py), as a brand admin reads it, with no
personal data (audit.py), and the outlet's queue of the day (queue.py). Importing the package
registers the audit's schema extension."""

from .audit import (
    BookingAuditDetailOutputSerializer,
    BookingAuditOutputSerializer,
    BookingAuditSchema,
)
from .inputs import (
    AWARE_HINT,
    DESK_OVERRIDE_HELP,
    FIRST_DAY,
    LAST_DAY,
    AwareDateTimeField,
    BookingCreateInputSerializer,
    BookingFilterSerializer,
    CancelInputSerializer,
    CheckInInputSerializer,
    CompleteInputSerializer,
    FeedbackInputSerializer,
    QueueFilterSerializer,
    ReadyInputSerializer,
    RescheduleInputSerializer,
    StartInputSerializer,
    WalkInInputSerializer,
    filter_date,
)
from .outputs import (
    BookingDetailOutputSerializer,
    BookingOutputSerializer,
    EventOutputSerializer,
    LocalTimeField,
    NotificationOutputSerializer,
    local_iso,
)
from .queue import QueueEntryOutputSerializer, QueueOutputSerializer

__all__ = [
    "AWARE_HINT",
    "DESK_OVERRIDE_HELP",
    "FIRST_DAY",
    "LAST_DAY",
    "AwareDateTimeField",
    "BookingAuditDetailOutputSerializer",
    "BookingAuditOutputSerializer",
    "BookingAuditSchema",
    "BookingCreateInputSerializer",
    "BookingDetailOutputSerializer",
    "BookingFilterSerializer",
    "BookingOutputSerializer",
    "CancelInputSerializer",
    "CheckInInputSerializer",
    "CompleteInputSerializer",
    "EventOutputSerializer",
    "FeedbackInputSerializer",
    "LocalTimeField",
    "NotificationOutputSerializer",
    "QueueEntryOutputSerializer",
    "QueueFilterSerializer",
    "QueueOutputSerializer",
    "ReadyInputSerializer",
    "RescheduleInputSerializer",
    "StartInputSerializer",
    "WalkInInputSerializer",
    "filter_date",
    "local_iso",
]
