"""The owner's rating of a finished visit: once per completed booking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import Conflict

from ..access import owns
from ..locks import lock_booking
from ..models import Booking, BookingEvent, Feedback
from .events import record_event
from .table import check_rateable


@transaction.atomic
def feedback_leave(*, booking: Booking, owner: User, rating: int, comment: str = "") -> Feedback:
    """Once per completed booking, by its owner. Locks the booking row."""
    locked = lock_booking(booking.pk)
    if not owns(owner, locked):
        raise ValidationError({"booking": [_("Only the owner can rate this service.")]})
    check_rateable(locked.status)
    feedback = Feedback(booking=locked, rating=rating, comment=comment)
    feedback.full_clean(exclude=["booking"])
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise Conflict(_("This service has already been rated.")) from exc
    record_event(locked, kind=BookingEvent.Kind.FEEDBACK, actor=owner, rating=rating)
    return feedback
