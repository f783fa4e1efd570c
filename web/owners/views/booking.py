"""Pick a time and confirm: the booking flow, usable with JavaScript off.

Every rule is the services' (bookings.lifecycle.create.booking_create, the availability rules): the
views parse the form, call them, and put what they refuse next to the field at fault."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.lifecycle.create import booking_create
from hima_service.exceptions import DomainError, NotFound, SlotTaken
from hima_service.idempotency import KeyReused
from outlets.models import Outlet, ServiceType
from outlets.selectors import outlet_get
from vehicles.models import Vehicle
from vehicles.selectors import vehicle_list

from ...common.errors import form_error
from ..forms import ConfirmForm, PickForm
from ..idempotency import booking_once
from ..prices import picker_prices, priced_visit, unpriced_visit
from ..selectors import (
    NEARBY_KM,
    DayStarts,
    Visit,
    first_free,
    free_days,
    soonest_nearby,
    zone_context,
)


def _outlet(code: str) -> Outlet:
    try:
        return outlet_get(code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _offered(outlet: Outlet):
    return outlet.services.filter(is_active=True).order_by("category", "code")


def _times(
    form, *, outlet: Outlet, vehicle: Vehicle, services: Sequence[ServiceType]
) -> tuple[list[DayStarts], list]:
    """The free starts of the next 14 days and the outlets nearby (within the form's radius)
    that are sooner; a refusal (brand not authorized, no capable bay) is put on the form
    instead."""
    within = form.cleaned_data.get("within") or NEARBY_KM
    try:
        days = free_days(outlet=outlet, services=services, vehicle=vehicle)
        nearby = soonest_nearby(
            outlet=outlet,
            services=services,
            vehicle=vehicle,
            first=first_free(days),
            within_km=within,
        )
    except ValidationError as exc:
        form_error(form, exc)
        return [], []
    return days, nearby


def _visit(
    form,
    services: Sequence[ServiceType],
    *,
    outlet: Outlet,
    vehicle: Vehicle | None,
    known: dict | None = None,
) -> Visit:
    """The visit at the price book's standard price; a service it cannot price is refused
    next to the services (booking it would be refused too)."""
    try:
        return priced_visit(services, outlet=outlet, vehicle=vehicle, known=known)
    except DomainError as exc:
        form_error(form, exc)
        return unpriced_visit(services, outlet=outlet)


@login_required
def pick_time(request: HttpRequest, code: str) -> HttpResponse:
    outlet = _outlet(code)
    vehicles = vehicle_list(owner=request.user)
    form = PickForm(
        request.GET if "vehicle" in request.GET else None,
        vehicles=vehicles,
        services=_offered(outlet),
        initial={"vehicle": vehicles.first()},
    )
    context = {
        "outlet": outlet,
        "form": form,
        "has_vehicles": vehicles.exists(),
        **zone_context(outlet, request.user),
    }
    valid = form.is_bound and form.is_valid()
    # Each checkbox shows the standard price for the chosen car (or the first, unchosen).
    chosen = form.cleaned_data.get("vehicle") if form.is_bound else None
    priced_for = chosen or form.initial.get("vehicle")
    context.update(
        prices=picker_prices(_offered(outlet), outlet=outlet, vehicle=priced_for),
        oob_prices=bool(request.htmx),
    )
    if valid:
        services = list(form.cleaned_data["service"])
        vehicle = form.cleaned_data["vehicle"]
        days, nearby = _times(form, outlet=outlet, vehicle=vehicle, services=services)
        context.update(
            visit=_visit(form, services, outlet=outlet, vehicle=vehicle, known=context["prices"]),
            days=days,
            nearby=nearby,
            vehicle=vehicle,
            chosen=[s.code for s in services],
            within=form.cleaned_data["within"],
            # Back from Continue without a time (see _back_to_picker): say so by the times.
            times_error=_("Choose one of the free times.") if "start" in request.GET else "",
        )
    template = "web/includes/pick_results.html" if request.htmx else "web/pick_time.html"
    return render(request, template, context)


@login_required
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    outlet = _outlet(code)
    kwargs = {"outlet": outlet, "vehicles": vehicle_list(owner=request.user)}
    kwargs["services"] = _offered(outlet)
    if request.method == "POST":
        form = ConfirmForm(request.POST, **kwargs)
    else:
        # From the picker: vehicle, services and start in the query. A fresh key per rendered
        # form, so a double submit of this form books once.
        data = request.GET.copy()
        data.setdefault("mode", "drop_off")
        data["idempotency_key"] = uuid.uuid4().hex
        form = ConfirmForm(data, **kwargs)
        if not form.is_valid():
            return _back_to_picker(request, outlet)
    valid = form.is_valid()
    cleaned = form.cleaned_data
    services = list(cleaned.get("service") or [])
    visit = _visit(form, services, outlet=outlet, vehicle=cleaned.get("vehicle"))
    valid = valid and visit.price is not None
    context: dict = {
        "outlet": outlet,
        "form": form,
        "visit": visit,
        "vehicle": cleaned.get("vehicle"),
        **zone_context(outlet, request.user),
    }
    if request.method == "GET" or not valid:
        return render(request, "web/confirm.html", context, status=200 if valid else 400)
    try:
        booking, created = _book(request, outlet, cleaned)
    except SlotTaken as exc:
        # Taken meanwhile: say so, and offer the times free now.
        form_error(form, exc)
        context["days"], context["nearby"] = _times(
            form, outlet=outlet, vehicle=cleaned["vehicle"], services=list(cleaned["service"])
        )
        context["chosen"] = [s.code for s in cleaned["service"]]
        context["taken"] = True
        return render(request, "web/confirm.html", context, status=409)
    except KeyReused:
        form_error(form, ValidationError(_("This form was already sent; please start again.")))
    except (ValidationError, DomainError) as exc:
        form_error(form, exc)
    else:
        if created:
            messages.success(
                request, _("Booked: %(reference)s.") % {"reference": booking.reference}
            )
        return redirect("web:booking", reference=booking.reference)
    return render(request, "web/confirm.html", context, status=400)


def _book(request: HttpRequest, outlet: Outlet, cleaned: dict):
    body = {
        "vehicle": cleaned["vehicle"].pk,
        "outlet": outlet.code,
        "services": [s.code for s in cleaned["service"]],
        "start": cleaned["start"].isoformat(),
        "mode": cleaned["mode"],
        "pickup_address": cleaned["pickup_address"],
        "notes": cleaned["notes"],
    }
    return booking_once(
        user=request.user,
        key=cleaned["idempotency_key"],
        path=request.path,
        body=body,
        work=lambda: booking_create(
            owner=request.user,
            vehicle=cleaned["vehicle"],
            outlet=outlet,
            services=list(cleaned["service"]),
            start=cleaned["start"],
            mode=cleaned["mode"],
            pickup_address=cleaned["pickup_address"],
            notes=cleaned["notes"],
        ),
    )


def _back_to_picker(request: HttpRequest, outlet: Outlet) -> HttpResponse:
    # The empty `start` asks the picker to say that a time must be chosen, next to the times.
    query = request.GET.copy()
    query["start"] = ""
    response = redirect("web:pick", code=outlet.code)
    response["Location"] += f"?{query.urlencode()}#free-times"
    return response
