"""The check-in inspection page, made for a phone in the workshop: the readings, the six
walk-around views with a note and a photo each (the camera opens from the photo input), and a
damage mark to add. A refused photo is named next to its input; what was typed stays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hima_service.exceptions import DomainError
from workshop.models import Angle, Inspection
from workshop.selectors import inspection_of
from workshop.services import INSPECTABLE, inspection_record

from ...common.errors import form_error
from ..inspection_forms import InspectionForm
from ..scope import booking_at, staff_outlet


def _sections(form: InspectionForm, inspection: Inspection | None) -> list[dict]:
    """The walk-around in order: each view's label, its two fields and what was recorded."""
    recorded = {view.angle: view for view in inspection.views.all()} if inspection else {}
    return [
        {
            "angle": angle,
            "label": label,
            "note": form[f"{angle}_note"],
            "photo": form[f"{angle}_photo"],
            "recorded": recorded.get(angle),
        }
        for angle, label in Angle.choices
    ]


@login_required
def inspection(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    outlet = staff_outlet(request, code)
    booking = booking_at(outlet, reference)
    recorded = inspection_of(booking)
    open_ = booking.status in INSPECTABLE
    initial = InspectionForm.initial_for(recorded, odometer_km=booking.vehicle.odometer_km)
    if request.method == "POST" and open_:
        form = InspectionForm(request.POST, request.FILES, initial=initial)
        if form.is_valid():
            try:
                inspection_record(
                    booking=booking,
                    actor=request.user,
                    odometer_km=form.cleaned_data["odometer_km"],
                    state_of_charge=form.cleaned_data["state_of_charge"],
                    views=form.views(),
                    damage=form.damage(),
                )
            except (ValidationError, DomainError) as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The inspection of %(reference)s is saved.")
                    % {"reference": booking.reference},
                )
                return redirect("web:staff-inspection", code=outlet.code, reference=reference)
        if form.has_photos():
            # A browser never refills a file input: the photos chosen must be chosen again.
            form.add_error(None, _("Nothing was saved: choose the photos again after fixing this."))
    else:
        form = InspectionForm(initial=initial)
    context = {
        "outlet": outlet,
        "booking": booking,
        "inspection": recorded,
        "open": open_,
        "form": form,
        "sections": _sections(form, recorded),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/staff/inspection.html", context, status=status)
