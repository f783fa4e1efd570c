"""Rules on a vehicle's own fields, one validator each, shared by the model (so the admin), the
API serializers and the web forms."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No car of the alliance was delivered before this day: AITO, its first brand, was launched with
# its first car (the M5) in December 2021 and delivered it from early 2022; the other brands
# came later. A brand holds no first-delivery date of its own, so one floor serves all five.
# It keeps out typos such as 0001-01-01 and 9999-12-31, on which the date arithmetic of the
# maintenance reminders (delivery date plus the model's interval) leaves the calendar.
EARLIEST_DELIVERY = dt.date(2021, 12, 1)


def validate_delivery_date(value: dt.date) -> None:
    """A delivery date is a day of the alliance's era, today at the latest (local date)."""
    if value > timezone.localdate():
        raise ValidationError(_("The delivery date cannot be in the future."), code="future")
    if value < EARLIEST_DELIVERY:
        raise ValidationError(
            _(
                "The delivery date cannot be before %(date)s: "
                "the alliance delivered no car before then."
            ),
            code="before_first_delivery",
            params={"date": EARLIEST_DELIVERY.isoformat()},
        )
