"""A forgotten password: name the account → a code goes to its verified phone or e-mail → the
code and a new password → sign in. The same services as the API
(bookings.identity.recovery); the account named is kept in the session between the two pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.identity.recovery import (
    password_reset_confirm,
    password_reset_request,
    password_reset_requested,
)
from hima_service.exceptions import DomainError

from ...common.errors import form_error
from ..forms import PasswordForgotForm, PasswordResetForm
from ..throttle import password_reset_refused_for

SESSION_KEY = "password_reset_account"


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many attempts from here. Please wait %(seconds)d second and try again.",
        "Too many attempts from here. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def password_forgot(request: HttpRequest) -> HttpResponse:
    form = PasswordForgotForm(request.POST or None)
    if request.method == "POST" and (wait := password_reset_refused_for(request)) is not None:
        context = {"form": PasswordForgotForm(), "throttled": _wait_message(wait)}
        return render(request, "web/password_forgot.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"].strip()
        password_reset_request(identifier=account)
        request.session[SESSION_KEY] = account
        messages.info(request, password_reset_requested())
        return redirect("web:password-reset")
    status = 400 if form.is_bound else 200
    return render(request, "web/password_forgot.html", {"form": form}, status=status)


def password_reset(request: HttpRequest) -> HttpResponse:
    account = request.session.get(SESSION_KEY)
    if not account:
        return redirect("web:password-forgot")
    form = PasswordResetForm(request.POST or None)
    context = {"form": form, "account": account}
    if request.method == "POST" and (wait := password_reset_refused_for(request)) is not None:
        context.update(form=PasswordResetForm(), throttled=_wait_message(wait))
        return render(request, "web/password_reset.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_confirm(identifier=account, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            del request.session[SESSION_KEY]
            messages.success(request, _("Your password was changed. Sign in with it."))
            return redirect("web:sign-in")
    status = 400 if form.is_bound else 200
    return render(request, "web/password_reset.html", context, status=status)
