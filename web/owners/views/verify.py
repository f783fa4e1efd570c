"""An owner verifies their phone and their cars: a code sent, then entered; the API's
services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.masking import mask_phone
from bookings.identity import channels, ownership
from hima_service.exceptions import DomainError
from vehicles.selectors import vehicle_get

from ...common.errors import form_error
from ..forms import CodeForm, PhoneForm


def _status(*forms) -> int:
    return 400 if any(form.is_bound and form.errors for form in forms) else 200


@login_required
def phone_verify(request: HttpRequest) -> HttpResponse:
    """Enter a number → a code is sent to it → enter the code → verified."""
    user = request.user
    phone_form = PhoneForm(initial={"phone": user.phone})
    code_form = CodeForm()
    if request.method == "POST" and "send" in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                issued = channels.phone_code_request(
                    user=user, phone=phone_form.cleaned_data["phone"]
                )
            except (ValidationError, DomainError) as exc:
                form_error(phone_form, exc)
            else:
                messages.success(
                    request,
                    _("A code was sent to %(phone)s.") % {"phone": mask_phone(issued.row.target)},
                )
                return redirect("web:verify-phone")
    elif request.method == "POST":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                channels.phone_code_confirm(user=user, code=code_form.cleaned_data["code"])
            except (ValidationError, DomainError) as exc:
                form_error(code_form, exc)
            else:
                messages.success(request, _("Your phone number is verified."))
                return redirect("web:verify-phone")
    user.refresh_from_db()
    context = {"phone_form": phone_form, "code_form": code_form, "account": user}
    return render(request, "web/verify_phone.html", context, status=_status(phone_form, code_form))


@login_required
def vehicle_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a code to the phone in the brand's delivery record → enter it → verified."""
    vehicle = vehicle_get(owner=request.user, vehicle_id=pk)
    code_form = CodeForm()
    refused: list[str] = []  # why no code can be sent, shown next to the send button
    if request.method == "POST" and "send" in request.POST:
        try:
            sent = ownership.vehicle_code_request(user=request.user, vehicle=vehicle)
        except DomainError as exc:
            refused = [str(exc.detail)]
        except ValidationError as exc:
            refused = list(exc.messages)
        else:
            messages.success(
                request,
                _("A code was sent to %(phone)s, the phone in the brand's delivery record.")
                % {"phone": sent.sent_to},
            )
            return redirect("web:vehicle-verify", pk=vehicle.pk)
    elif request.method == "POST":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                ownership.vehicle_code_confirm(
                    user=request.user, vehicle=vehicle, code=code_form.cleaned_data["code"]
                )
            except (ValidationError, DomainError) as exc:
                form_error(code_form, exc)
            else:
                messages.success(request, _("You are this car's verified owner."))
                return redirect("web:vehicles")
    context = {"vehicle": vehicle, "code_form": code_form, "refused": refused}
    status = 400 if refused or (code_form.is_bound and code_form.errors) else 200
    return render(request, "web/verify_vehicle.html", context, status=status)
