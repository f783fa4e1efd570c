"""The settlement sheet (结算清单) of a completed visit, and the owner's timeline of a visit.

The sheet is read, not stored: every price in it was frozen when the work was agreed (a
booked service's price in BookingService when booked, an extra line's when proposed), and a
completed visit's lines can no longer change, so reading it twice gives the same sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import Booking
from hima_service.exceptions import Conflict
from outlets.models import ServiceType
from workshop.models import Inspection

from .models import EstimateLine, EstimatePart
from .selectors import estimate_lines, waiting_for_owner

Status = Booking.Status


@dataclass
class SheetItem:
    kind: str  # "booked" | "extra"
    service: ServiceType | None
    description: str
    labour_minutes: int
    labour_price: Decimal
    parts: list[EstimatePart]
    parts_price: Decimal
    price: Decimal
    is_recall: bool = False
    grade: str = ""


@dataclass
class Settlement:
    booking: Booking
    currency: str
    items: list[SheetItem] = field(default_factory=list)

    @property
    def labour_minutes(self) -> int:
        return sum(item.labour_minutes for item in self.items)

    @property
    def labour_total(self) -> Decimal:
        return sum((item.labour_price for item in self.items), Decimal("0"))

    @property
    def parts_total(self) -> Decimal:
        return sum((item.parts_price for item in self.items), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return sum((item.price for item in self.items), Decimal("0"))


def settlement_read(*, booking: Booking) -> Settlement:
    """The itemised sheet of a completed visit: the booked services (a recall fix at zero)
    and the approved extra lines whose work was done, with labour time, parts and standard
    prices."""
    if booking.status != Status.COMPLETED:
        raise Conflict(_("The settlement is ready once the visit is completed."))
    sheet = Settlement(booking=booking, currency=booking.outlet.currency)
    booked = booking.booking_services.select_related("service_type").order_by("pk")
    for line in booked:
        recall = line.service_type.category == ServiceType.Category.RECALL
        sheet.items.append(
            SheetItem(
                kind="booked",
                service=line.service_type,
                description="",
                labour_minutes=line.labour_minutes,
                labour_price=Decimal("0") if recall else line.price,
                parts=[],
                parts_price=Decimal("0"),
                price=Decimal("0") if recall else line.price,
                is_recall=recall,
            )
        )
    for extra in estimate_lines(booking=booking):
        # The owner pays for extra work that was done: approved, and its work completed.
        # Ready waits for every approved line's work (services.visit_ready), so on a visit
        # that went through it this is every approved line; a visit closed another way (a
        # staff tool, or before that rule) does not bill work nobody did.
        if extra.state != EstimateLine.State.APPROVED or extra.work_completed_at is None:
            continue
        sheet.items.append(
            SheetItem(
                kind="extra",
                service=extra.service_type,
                description=extra.description,
                labour_minutes=extra.labour_minutes,
                labour_price=extra.labour_price,
                parts=list(extra.parts.all()),
                parts_price=extra.parts_price,
                price=extra.price,
                grade=extra.grade,
            )
        )
    return sheet


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    current: bool
    at: dt.datetime | None


STEPS = (
    ("checked_in", gettext_lazy("Checked in")),
    ("inspected", gettext_lazy("Inspected")),
    ("waiting", gettext_lazy("Waiting for your approval")),
    ("in_work", gettext_lazy("In work")),
    ("ready", gettext_lazy("Ready")),
)


def timeline_read(*, booking: Booking, lines: list[EstimateLine] | None = None) -> list[Step]:
    """checked in → inspected → waiting for approval → in work → ready, each with whether it
    happened (and when) and which one the visit is at now. "Waiting" is current while sent
    lines are unanswered; done once something was sent and all of it is answered. A car
    never checked in has none of them, and costs no query."""
    if booking.checked_in_at is None:
        return [
            Step(key=k, label=str(label), done=False, current=False, at=None) for k, label in STEPS
        ]
    inspection = Inspection.objects.filter(booking=booking).only("created_at").first()
    if lines is None:
        lines = estimate_lines(booking=booking)
    sent = [line for line in lines if line.sending_id is not None]
    waiting = waiting_for_owner(lines)
    status = booking.status
    after_ready = status in (Status.READY, Status.COMPLETED)
    reached = {
        "checked_in": (booking.checked_in_at is not None, booking.checked_in_at),
        "inspected": (inspection is not None, inspection.created_at if inspection else None),
        "waiting": (
            bool(sent) and not waiting,
            max((line.decided_at for line in sent if line.decided_at), default=None),
        ),
        "in_work": (booking.started_at is not None, booking.started_at),
        "ready": (booking.ready_at is not None, booking.ready_at),
    }
    if waiting and not after_ready:
        current = "waiting"
    elif after_ready:
        current = "ready"
    elif status == Status.IN_SERVICE:
        current = "in_work"
    elif inspection is not None:
        current = "inspected"
    elif status == Status.CHECKED_IN:
        current = "checked_in"
    else:
        current = ""
    return [
        Step(
            key=key,
            label=str(label),
            done=reached[key][0] and key != current,
            current=key == current,
            at=reached[key][1],
        )
        for key, label in STEPS
    ]
