"""My vehicles: list with maintenance due and open recalls, add, edit plate and odometer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hima_service.exceptions import DomainError
from vehicles.selectors import vehicle_get, vehicle_model_list, vehicles_released
from vehicles.services import vehicle_create, vehicle_update

from ...common.errors import form_error
from ..forms import VehicleAddForm, VehicleEditForm
from ..selectors import vehicle_rows


@login_required
def vehicle_list(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": vehicle_rows(owner=request.user),
        # Told why a car is gone: lost to its verified owner, in the last 90 days.
        "released": vehicles_released(owner=request.user).filter(
            released_at__gte=timezone.now() - dt.timedelta(days=90)
        ),
    }
    return render(request, "web/vehicles.html", context)


@login_required
def vehicle_add(request: HttpRequest) -> HttpResponse:
    form = VehicleAddForm(request.POST or None, models=vehicle_model_list())
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = vehicle_create(owner=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("%(vin)s was added.") % {"vin": vehicle.vin})
            return redirect("web:vehicles")
    status = 400 if form.is_bound else 200
    return render(request, "web/vehicle_add.html", {"form": form}, status=status)


@login_required
def vehicle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vehicle = vehicle_get(owner=request.user, vehicle_id=pk)
    initial = {"plate": vehicle.plate, "odometer_km": vehicle.odometer_km}
    form = VehicleEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vehicle_update(vehicle=vehicle, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The vehicle was updated."))
            return redirect("web:vehicles")
    status = 400 if form.is_bound else 200
    context = {"form": form, "vehicle": vehicle}
    return render(request, "web/vehicle_edit.html", context, status=status)
