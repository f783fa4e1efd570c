"""The owner's pages of extra work: the approval page behind the signed link, the settlement
sheet, and the timeline's fragment and poll."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings import access
from bookings.models import Booking
from bookings.selectors import booking_get
from estimates import links, selectors, services
from estimates.errors import LinkExpired
from estimates.settlement import settlement_read, timeline_read
from hima_service.exceptions import Conflict, DomainError, NotFound

from .poll import timeline_grant, timeline_token, timeline_version


def _expired(request: HttpRequest) -> HttpResponse:
    return render(request, "web/estimates/expired.html", status=410)


@login_required
@require_GET
def estimate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link's page: opening it marks the lines viewed; each line has its prices,
    photos and the two buttons while it is open."""
    try:
        sending = services.estimate_open(token=token, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except LinkExpired:
        return _expired(request)
    context = {
        "booking": sending.booking,
        "sending": sending,
        "token": token,
        "lines": selectors.sending_lines(sending=sending),
    }
    return render(request, "web/estimates/link.html", context)


@login_required
@require_POST
def estimate_decide(request: HttpRequest, token: str, line: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404  # a mistyped address decides nothing
    try:
        sending = services.estimate_link_sending(token=token, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    found = next((x for x in selectors.sending_lines(sending=sending) if x.pk == line), None)
    if found is None:
        raise Http404
    try:
        decided = services.estimate_decide(
            line=found, actor=request.user, approve=decision == "approve"
        )
    except LinkExpired:
        return _expired(request)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        if decided.state == decided.State.DECLINED:
            messages.success(request, _("Declined. We will remind you of it at your next visit."))
        elif decided.hold == decided.Hold.REFUSED:
            messages.warning(
                request,
                _("Approved. The workshop will call you about when it can be done: %(why)s")
                % {"why": decided.hold_note},
            )
        else:
            messages.success(request, _("Approved. Thank you."))
    return redirect("web:estimate-link", token=token)


def _reader_booking(request: HttpRequest, reference: str) -> Booking:
    """The booking for its owner or its outlet's staff; anyone else: 404."""
    booking = booking_get(user=request.user, reference=reference)
    if not (access.owns(request.user, booking) or access.may_run(request.user, booking)):
        raise Http404
    return booking


@login_required
@require_GET
def settlement_page(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _reader_booking(request, reference)
    try:
        sheet = settlement_read(booking=booking)
    except Conflict as exc:
        context = {"booking": booking, "reason": exc.detail}
        return render(request, "web/estimates/settlement.html", context, status=409)
    return render(request, "web/estimates/settlement.html", {"booking": booking, "sheet": sheet})


def panel_context(booking: Booking) -> dict:
    """What the owner's booking page shows of the visit in the workshop. Lines exist only
    once the car was checked in: before that, the panel reads only the suggestions."""
    lines = []
    if booking.checked_in_at is not None:
        services.estimates_expire(booking_id=booking.pk)
        lines = selectors.estimate_lines(booking=booking)
    waiting = selectors.waiting_for_owner(lines)
    approve_url = ""
    if waiting:  # the newest sending still open, should the owner have lost the message
        sending_id = max(line.sending_id for line in waiting)
        approve_url = services.link_path(
            links.link_token(
                reference=booking.reference, owner_id=booking.owner_id, sending_id=sending_id
            )
        )
    return {
        "booking": booking,
        "approve_url": approve_url,
        "steps": timeline_read(booking=booking, lines=lines),
        "lines": lines,
        "waiting": waiting,
        "suggestions": selectors.estimate_suggestions(vehicle=booking.vehicle, before=booking)
        if booking.status == Booking.Status.CONFIRMED
        else [],
        "poll_token": timeline_token(booking=booking),
    }


@login_required
@require_GET
def timeline_fragment(request: HttpRequest, reference: str) -> HttpResponse:
    booking = booking_get(user=request.user, reference=reference)
    if not access.owns(request.user, booking):
        raise Http404
    return render(request, "web/estimates/panel.html", panel_context(booking))


@require_GET
def timeline_poll(request: HttpRequest) -> HttpResponse:
    """Has the timeline changed? 304 on the same version, 200 with the new one; 403 forged."""
    grant = timeline_grant(request.GET.get("t", ""))
    version = timeline_version(booking_id=grant[0], owner_id=grant[1]) if grant else None
    if version is None:
        return HttpResponse(status=403)
    etag = f'"{version}"'
    status = 304 if request.headers.get("If-None-Match") == etag else 200
    response = HttpResponse(status=status)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
