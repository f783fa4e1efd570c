"""Staff verify an owner at the counter: the registration certificate checked against the
person, then the ownership service records it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.identity import ownership
from hima_service.exceptions import DomainError

from ...common.errors import form_error
from ..forms import CounterVerifyForm
from ..scope import staff_outlet


@login_required
def counter_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Staff: the registration certificate checked at the counter for a car at the outlet."""
    outlet = staff_outlet(request, code)
    form = CounterVerifyForm(request.POST or None, initial={"booking": request.GET.get("booking")})
    if request.method == "POST" and form.is_valid():
        try:
            done = ownership.vehicle_verify_at_counter(
                outlet=outlet,
                staff=request.user,
                booking_reference=form.cleaned_data["booking"],
                phone=form.cleaned_data["phone"],
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(vin)s is verified to %(name)s (%(phone)s).")
                % {
                    "vin": done.result.vehicle.vin,
                    "name": done.owner_name,
                    "phone": done.owner_phone,
                },
            )
            return redirect("web:board", code=outlet.code)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "web/staff/verify_owner.html", {"outlet": outlet, "form": form}, status=status
    )
