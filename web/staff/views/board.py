"""The staff board: today's queue at one outlet, its day-of-service actions, walk-ins, and the
poll that keeps every open board current.

Each action is a plain POST that redirects back to the board (JavaScript off); sent by
board.js (marked as an htmx request) the same POST answers the board fragment and the answer's
sentence, which board.js puts in the board's status line, outside the board that polls replace.
A refused action shows its form again as it was submitted, the service's message next to its
field on that card, and says so in the status line. The actions are rows of one table
(web.staff.actions), served by one view."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking
from bookings.queue import outlet_queue
from hima_service.exceptions import DomainError
from outlets.models import Outlet
from vehicles.models import VehicleModel

from ...common.errors import form_error
from ..actions import BY_NAME, BoardAction
from ..board import board_read, is_manager, staff_outlets
from ..forms import WalkInForm
from ..poll import board_version, poll_grant
from ..scope import booking_at, staff_outlet

BOARD_TEMPLATE = "web/staff/board.html"
FRAGMENT_TEMPLATE = "web/staff/includes/board_fragment.html"
ANSWER_TEMPLATE = "web/staff/includes/board_answer.html"


@dataclass(frozen=True)
class Answer:
    """What the board says to the person who acted: done, or refused and why."""

    refused: bool
    title: str
    reasons: list[str] = field(default_factory=list)


def _walk_in_form(outlet: Outlet, data: dict | None = None) -> WalkInForm:
    services = list(outlet.services.filter(is_active=True).order_by("category", "code"))
    models = VehicleModel.objects.select_related("brand").order_by("brand__code", "code")
    return WalkInForm(data, services=services, models=models)


def _board_context(
    request: HttpRequest,
    outlet: Outlet,
    *,
    failed: dict[tuple[str, str], forms.Form] | None = None,
    walk_in_form: WalkInForm | None = None,
) -> dict:
    board = board_read(outlet=outlet, user=request.user, failed=failed)
    return {
        "board": board,
        "outlet": outlet,
        "outlets": staff_outlets(user=request.user),
        "manager": is_manager(user=request.user, outlet=outlet),
        "walk_in_form": walk_in_form or _walk_in_form(outlet),
    }


def _answer_board(
    request: HttpRequest,
    outlet: Outlet,
    answer: Answer,
    *,
    status: int = 200,
    failed: dict[tuple[str, str], forms.Form] | None = None,
) -> HttpResponse:
    """An action's answer: to board.js the board fragment and the answer (any status: it swaps
    what it gets); without JavaScript the whole page, the answer in its status line."""
    context = _board_context(request, outlet, failed=failed)
    context["answer"] = answer
    template = ANSWER_TEMPLATE if request.htmx else BOARD_TEMPLATE
    return render(request, template, context, status=status)


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """Staff land on their first outlet's board; the board switches between their outlets."""
    outlets = staff_outlets(user=request.user)
    if not outlets:
        raise Http404
    return redirect("web:board", code=outlets[0].code)


@login_required
@never_cache
def board(request: HttpRequest, code: str) -> HttpResponse:
    outlet = staff_outlet(request, code)
    return render(request, BOARD_TEMPLATE, _board_context(request, outlet))


@never_cache
@require_GET
def board_fragment(request: HttpRequest, code: str) -> HttpResponse:
    """The board alone, for the poller and htmx. A signed-out board is sent to the sign-in page
    as a whole (an ordinary redirect would swap the sign-in form into the board); opened in the
    browser's address bar, where a bare fragment would show unstyled, the URL leads to the
    whole board."""
    if not request.user.is_authenticated:
        login = redirect_to_login(reverse("web:board", kwargs={"code": code}))
        if request.htmx:
            return HttpResponseClientRedirect(login["Location"])
        return login
    outlet = staff_outlet(request, code)
    if not request.htmx:
        return redirect("web:board", code=outlet.code)
    return render(request, FRAGMENT_TEMPLATE, _board_context(request, outlet))


@require_GET
def board_poll(request: HttpRequest) -> HttpResponse:
    """Has the board changed? 304 when the version matches If-None-Match, else 200 with the new
    version (no body: the board itself comes from the fragment URL, with the session).

    The poller sends no cookies, so neither the session nor the user row is read: the signed
    token names outlet, user and day, and the version is one aggregate query that also checks
    the user still works there."""
    grant = poll_grant(request.GET.get("t", ""))
    if grant is None:
        return HttpResponse(status=403)
    version = board_version(
        outlet_id=grant.outlet_id,
        user_id=grant.user_id,
        day_start=grant.day_start,
        day_end=grant.day_end,
    )
    etag = f'"{version}"'
    status = 304 if request.headers.get("If-None-Match") == etag else 200
    response = HttpResponse(status=status)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _after_action(request: HttpRequest, outlet: Outlet, message: str) -> HttpResponse:
    if request.htmx:
        return _answer_board(request, outlet, Answer(refused=False, title=message))
    messages.success(request, message)
    return redirect("web:board", code=outlet.code)


def _refused(
    request: HttpRequest,
    outlet: Outlet,
    booking: Booking,
    row: BoardAction,
    form: forms.Form,
    exc: ValidationError | DomainError | None = None,
) -> HttpResponse:
    if exc is not None:
        form_error(form, exc)
    failed = {(booking.reference, row.name): form}
    status = exc.status_code if isinstance(exc, DomainError) else 400  # as the API answers
    # Every sentence, the fields' too: the card may have left the board meanwhile.
    reasons = [str(m) for errors in form.errors.values() for m in errors]
    title = _("%(ref)s: “%(action)s” was refused.") % {
        "ref": booking.reference,
        "action": row.label,
    }
    answer = Answer(refused=True, title=title, reasons=reasons)
    return _answer_board(request, outlet, answer, status=status, failed=failed)


@login_required
@require_POST
def board_action(request: HttpRequest, code: str, reference: str, action: str) -> HttpResponse:
    """One day-of-service action on a card, as its row in web.staff.actions says: its form
    parsed, its status action called, the board answered."""
    row = BY_NAME[action]
    outlet = staff_outlet(request, code)
    booking = booking_at(outlet, reference)
    form = row.form(request.POST, booking=booking)
    if not form.is_valid():
        return _refused(request, outlet, booking, row, form)
    try:
        row.run(booking=booking, actor=request.user, **form.cleaned_data)
    except (ValidationError, DomainError) as exc:
        return _refused(request, outlet, booking, row, form, exc)
    return _after_action(request, outlet, row.done % {"ref": booking.reference})


class _PreviewDone(Exception):
    """Rolls back a walk-in registered only to see where it would go."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# What the walk-in's message says when the car waits, by whether the outlet plans crews (the
# car waits for someone qualified as well as for a bay) and whether the queue has an estimate:
# (a preview's sentence, a registered walk-in's sentence).
WAITING = {
    (False, True): (
        gettext_lazy("No suitable bay is free now; estimated start %(time)s."),
        gettext_lazy("Walk-in %(ref)s waits for a bay; estimated start %(time)s."),
    ),
    (False, False): (
        gettext_lazy("No suitable bay is free now; the car would wait."),
        gettext_lazy("Walk-in %(ref)s waits for a bay."),
    ),
    (True, True): (
        gettext_lazy("No suitable bay with a free qualified crew now; estimated start %(time)s."),
        gettext_lazy("Walk-in %(ref)s waits for a bay and a crew; estimated start %(time)s."),
    ),
    (True, False): (
        gettext_lazy("No suitable bay with a free qualified crew now; the car would wait."),
        gettext_lazy("Walk-in %(ref)s waits for a bay and a crew."),
    ),
}


def _walk_in_outcome(booking: Booking, outlet: Outlet, *, preview: bool) -> str:
    """Where the walk-in went (or would go): its bay from now, or its estimated start from the
    queue's simulation over the bays (and the crews, where the outlet plans them: a free bay
    is no start without someone qualified to work on it)."""
    if booking.bay is not None:
        if preview:
            return _("Earliest start: now, on bay %(bay)s.") % {"bay": booking.bay.display_name}
        return _("Walk-in %(ref)s: bay %(bay)s, from now.") % {
            "ref": booking.reference,
            "bay": booking.bay.display_name,
        }
    queue = outlet_queue(outlet=outlet, day=outlet.local_day(timezone.now()))
    entry = next((e for e in queue if e.booking.pk == booking.pk), None)
    estimate = entry.estimated_start if entry is not None else None
    values = {"ref": booking.reference}
    if entry is not None and estimate is not None:
        start = estimate.astimezone(outlet.zone)
        values["time"] = f"{start:%m-%d %H:%M}" if entry.starts_on_a_later_day else f"{start:%H:%M}"
    previewed, registered = WAITING[(outlet.plans_crews, estimate is not None)]
    return str(previewed if preview else registered) % values


def _register(request: HttpRequest, outlet: Outlet, data: dict) -> Booking:
    return walk_in_register(
        outlet=outlet,
        actor=request.user,
        vin=data["vin"],
        service_codes=data["service"],
        model_code=data["model"].code if data["model"] else None,
        plate=data["plate"],
        notes=data["notes"],
        desk_override_reason=data["desk_override_reason"],
    )


@login_required
@require_POST
def walk_in(request: HttpRequest, code: str) -> HttpResponse:
    """Register a walk-in; with `preview`, register it in a transaction that is rolled back, to
    show the earliest start the same service would give it (nothing is kept)."""
    outlet = staff_outlet(request, code)
    form = _walk_in_form(outlet, request.POST)
    preview = None
    if form.is_valid():
        try:
            if "preview" in request.POST:
                try:
                    with transaction.atomic():
                        booking = _register(request, outlet, form.cleaned_data)
                        raise _PreviewDone(_walk_in_outcome(booking, outlet, preview=True))
                except _PreviewDone as done:
                    preview = done.message
            else:
                booking = _register(request, outlet, form.cleaned_data)
                messages.success(request, _walk_in_outcome(booking, outlet, preview=False))
                return redirect("web:board", code=outlet.code)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
    context = _board_context(request, outlet, walk_in_form=form)
    context["walk_in_preview"] = preview
    return render(request, BOARD_TEMPLATE, context, status=200 if preview else 400)
