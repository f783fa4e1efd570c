"""The board's day-of-service actions as a table: each one's form, the status action it calls
(bookings.lifecycle.status), the move it makes, its button, and what the board says once it is
done. One view (web.staff.views.board.board_action) and one include
(web/staff/includes/action.html) serve every row, as the API's actions share one view
(bookings.action_views._BookingAction). A card offers the rows whose move the state machine
allows from its status (bookings.lifecycle.table), so the page never offers what the service
would refuse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bookings.lifecycle.status import (
    booking_check_in,
    booking_complete,
    booking_mark_no_show,
    booking_start,
)
from bookings.models import Booking
from estimates.services import visit_ready

from .forms import ActionForm, CheckInForm, CompleteForm, ReadyForm, StartForm

Status = Booking.Status


@dataclass(frozen=True)
class BoardAction:
    name: str  # the key of its refused form on the card; with dashes, the end of its URL
    to: Status
    form: type[ActionForm]
    # Called as run(booking=…, actor=…, **form.cleaned_data).
    run: Callable[..., Booking]
    label: Promise
    done: Promise  # the board's message afterwards, with %(ref)s

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    @property
    def url_name(self) -> str:
        return f"web:board-{self.slug}"


ACTIONS: tuple[BoardAction, ...] = (
    BoardAction(
        "check_in",
        Status.CHECKED_IN,
        CheckInForm,
        booking_check_in,
        _("Check in"),
        _("%(ref)s is checked in."),
    ),
    BoardAction(
        "start",
        Status.IN_SERVICE,
        StartForm,
        booking_start,
        _("Start"),
        _("Work on %(ref)s started."),
    ),
    BoardAction(
        "ready",
        Status.READY,
        ReadyForm,
        visit_ready,  # booking_ready, once the approved extra work is completed
        _("Ready for pickup"),
        _("%(ref)s is ready for pickup."),
    ),
    BoardAction(
        "complete",
        Status.COMPLETED,
        CompleteForm,
        booking_complete,
        _("Complete"),
        _("%(ref)s is completed."),
    ),
    BoardAction(
        "no_show",
        Status.NO_SHOW,
        ActionForm,
        booking_mark_no_show,
        _("No-show"),
        _("%(ref)s is marked as a no-show."),
    ),
)

BY_NAME = {action.name: action for action in ACTIONS}
