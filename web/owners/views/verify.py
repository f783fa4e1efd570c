"""An owner verifies their phone, e-mail address and cars: a code sent, then entered; the API's
services decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.codes import IssuedCode
from accounts.masking import mask_phone
from accounts.models import User
from bookings.identity import channels, ownership
from hima_service.exceptions import DomainError
from vehicles.selectors import vehicle_get

from ...common.errors import form_error
from ..forms import CodeForm, EmailForm, PhoneForm


def _status(*forms) -> int:
    return 400 if any(form.is_bound and form.errors for form in forms) else 200


@dataclass(frozen=True)
class _Channel:
    """One of the account's channels as its page verifies it."""

    form: type[forms.Form]
    field: str  # the form's field, the user's field
    request_code: Callable[..., IssuedCode]
    confirm: Callable[..., User]
    shown: Callable[[str], str]  # the address as the "code sent" message shows it
    verified: Callable[[User], bool]
    done: str  # what the page says once the code proved the address
    template: str
    url: str


CHANNELS = {
    "phone": _Channel(
        form=PhoneForm,
        field="phone",
        request_code=channels.phone_code_request,
        confirm=channels.phone_code_confirm,
        shown=mask_phone,
        verified=lambda user: user.phone_is_verified,
        done=gettext_lazy("Your phone number is verified."),
        template="web/verify_phone.html",
        url="web:verify-phone",
    ),
    "email": _Channel(
        form=EmailForm,
        field="email",
        request_code=channels.email_code_request,
        confirm=channels.email_code_confirm,
        shown=str,
        verified=lambda user: user.email_is_verified,
        done=gettext_lazy("Your e-mail address is verified."),
        template="web/verify_email.html",
        url="web:verify-email",
    ),
}


def _verify_channel(request: HttpRequest, channel: _Channel) -> HttpResponse:
    """Enter an address → a code is sent to it → enter the code → verified."""
    user = request.user
    address_form = channel.form(initial={channel.field: getattr(user, channel.field)})
    code_form = CodeForm()
    if request.method == "POST" and "send" in request.POST:
        address_form = channel.form(request.POST)
        if address_form.is_valid():
            try:
                issued = channel.request_code(
                    user=user, **{channel.field: address_form.cleaned_data[channel.field]}
                )
            except (ValidationError, DomainError) as exc:
                form_error(address_form, exc)
            else:
                messages.success(
                    request,
                    _("A code was sent to %(address)s.")
                    % {"address": channel.shown(issued.row.target)},
                )
                return redirect(channel.url)
    elif request.method == "POST":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                channel.confirm(user=user, code=code_form.cleaned_data["code"])
            except (ValidationError, DomainError) as exc:
                form_error(code_form, exc)
            else:
                messages.success(request, channel.done)
                return redirect(channel.url)
    user.refresh_from_db()
    context = {
        "address_form": address_form,
        "code_form": code_form,
        "account": user,
        "verified": channel.verified(user),
    }
    return render(request, channel.template, context, status=_status(address_form, code_form))


@login_required
def phone_verify(request: HttpRequest) -> HttpResponse:
    return _verify_channel(request, CHANNELS["phone"])


@login_required
def email_verify(request: HttpRequest) -> HttpResponse:
    return _verify_channel(request, CHANNELS["email"])


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
