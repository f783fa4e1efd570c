"""The periods an audit opens on. Dates are on the platform's calendar (`settings.TIME_ZONE`),
as the dashboard reads them; each outlet's bookings are then read in its own zone."""

from __future__ import annotations

import datetime as dt

from .selectors import Period

# The last quarter is the 90 days up to yesterday: a whole quarter of finished days. The
# dashboard opens on it, and the demo's history is laid out over exactly these days.
QUARTER_DAYS = 90


def last_quarter(*, today: dt.date) -> Period:
    """The 90 finished days before `today`."""
    yesterday = today - dt.timedelta(days=1)
    return Period(date_from=yesterday - dt.timedelta(days=QUARTER_DAYS - 1), date_to=yesterday)
