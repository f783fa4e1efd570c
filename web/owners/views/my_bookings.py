"""My bookings and one booking: history, messages, reschedule, cancel, calendar, rating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.calendar import booking_ics
from bookings.lifecycle.create import booking_reschedule
from bookings.lifecycle.feedback import feedback_leave
from bookings.lifecycle.rules import OWNER_CHANGE_DEADLINE
from bookings.lifecycle.status import booking_cancel
from bookings.models import Booking
from bookings.notify.selectors import booking_notifications
from bookings.selectors import booking_events, booking_get, booking_list
from estimates.selectors import waiting_counts
from hima_service.exceptions import DomainError, SlotTaken
from workshop.selectors import inspection_of

from ...common.errors import form_error
from ..forms import CancelForm, FeedbackForm, RescheduleForm
from ..selectors import (
    free_days,
    owner_zone_name,
    upcoming_and_past,
    visit_of,
    zone_context,
)


def _own_booking(request: HttpRequest, reference: str) -> Booking:
    """The signed-in owner's booking; anyone else's (even one they may see as staff) is 404
    on the owner pages."""
    booking = booking_get(user=request.user, reference=reference)
    if booking.owner_id != request.user.pk:
        raise Http404
    return booking


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    upcoming, past = upcoming_and_past(booking_list(user=request.user).filter(owner=request.user))
    context = {
        "upcoming": upcoming,
        "past": past,
        "own_zone": owner_zone_name(request.user),
        # A car in the workshop may have extra work waiting for the owner's answer: the list,
        # where the owner looks first, says so (only an upcoming visit can wait for one).
        "waiting_by_booking": waiting_counts(
            booking_ids=[b.pk for b in upcoming], now=timezone.now()
        ),
    }
    return render(request, "web/my_bookings.html", context)


def _detail(request: HttpRequest, booking: Booking, *, status: int = 200, **extra) -> HttpResponse:
    services = [line.service_type for line in booking.booking_services.all()]
    feedback = getattr(booking, "feedback", None)  # None when not rated yet
    context = {
        "booking": booking,
        "services": services,
        "events": booking_events(booking=booking),
        "notifications": booking_notifications(booking),
        "change_until": booking.start - OWNER_CHANGE_DEADLINE,
        "changeable": booking.status == Booking.Status.CONFIRMED,
        "rateable": booking.status == Booking.Status.COMPLETED and feedback is None,
        "feedback": feedback,
        "inspection": inspection_of(booking),
        "cancel_form": extra.pop("cancel_form", CancelForm()),
        "feedback_form": extra.pop("feedback_form", FeedbackForm()),
        **zone_context(booking.outlet, request.user),
        **extra,
    }
    return render(request, "web/booking.html", context, status=status)


@login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, _own_booking(request, reference))


@login_required
def booking_reschedule_page(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    services = [line.service_type for line in booking.booking_services.all()]
    form = RescheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                booking_reschedule(
                    booking=booking, start=form.cleaned_data["start"], actor=request.user
                )
            except SlotTaken as exc:
                form_error(form, exc)
                status = 409
            except (ValidationError, DomainError) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The booking was moved."))
                return redirect("web:booking", reference=booking.reference)
    days = []
    if booking.status == Booking.Status.CONFIRMED:
        try:
            days = free_days(
                outlet=booking.outlet,
                services=services,
                vehicle=booking.vehicle,
                ignore_booking=booking,
            )
        except ValidationError as exc:
            form_error(form, exc)
    context = {
        "booking": booking,
        "form": form,
        "days": days,
        "visit": visit_of(services, price=booking.price_total, currency=booking.outlet.currency),
        "change_until": booking.start - OWNER_CHANGE_DEADLINE,
        **zone_context(booking.outlet, request.user),
    }
    return render(request, "web/reschedule.html", context, status=status)


@login_required
@require_POST
def booking_cancel_action(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            booking_cancel(booking=booking, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The booking was cancelled."))
            return redirect("web:booking", reference=booking.reference)
    return _detail(request, booking, status=400, cancel_form=form)


@login_required
@require_POST
def booking_rate(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback_leave(booking=booking, owner=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("web:booking", reference=booking.reference)
    return _detail(request, booking, status=400, feedback_form=form)


@login_required
def booking_calendar(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response
