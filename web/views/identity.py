"""Identity pages: an owner verifies their phone and their cars; staff verify an owner at the
counter; brand admins upload delivery records. Each calls the API's services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.masking import mask_phone
from bookings.identity import channels, ownership
from hima_service.exceptions import DomainError
from vehicles.delivery_records import (
    MAX_BYTES,
    DeliveryFileRejected,
    delivery_brands,
    delivery_records_import,
)
from vehicles.selectors import vehicle_get

from ..errors import form_error
from ..forms_identity import CodeForm, CounterVerifyForm, DeliveryUploadForm, PhoneForm
from .staff import staff_outlet


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


@login_required
def delivery_records(request: HttpRequest) -> HttpResponse:
    """Brand admins: upload delivery records, all or nothing (each bad line is listed)."""
    brands = delivery_brands(user=request.user)
    if not brands:
        raise Http404(_("Not found."))
    form = DeliveryUploadForm(request.POST or None, request.FILES or None, brands=brands)
    if request.method == "POST" and form.is_valid():
        brand = next(b for b in brands if b.code == form.cleaned_data["brand"])
        try:
            result = delivery_records_import(
                brand=brand,
                uploaded_by=request.user,
                data=form.cleaned_data["file"].read(MAX_BYTES + 1),
                is_json=form.cleaned_data["file"].name.lower().endswith(".json"),
            )
        except DeliveryFileRejected as exc:
            form.bad_lines = [str(line) for line in (exc.fields or {}).get("file", [])]
            form.add_error(None, str(exc.detail))
        else:
            messages.success(
                request,
                _("%(lines)s lines read: %(added)s records added, %(already)s already there.")
                % {"lines": result.lines, "added": result.added, "already": result.already},
            )
            return redirect("web:delivery-records")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "section": "delivery"}
    return render(request, "web/dashboard/delivery_records.html", context, status=status)
