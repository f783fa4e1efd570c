"""My data (download, erase) and the password page: the same services as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_password_change, user_update
from bookings.personal_data.services import ErasureBlocked
from hima_service.exceptions import DomainError
from privacy.services import account_erase
from privacy.views import export_response

from ...common.errors import form_error
from ..forms import EraseForm, MessagesForm, NameForm, PasswordChangeForm, TimeZoneForm


def _my_data(request: HttpRequest, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "erase_form": EraseForm(),
        "name_form": NameForm(
            initial={"first_name": request.user.first_name, "last_name": request.user.last_name}
        ),
        "zone_form": TimeZoneForm(initial={"time_zone": request.user.time_zone}),
        "messages_form": MessagesForm(
            initial={
                "sms_notifications": request.user.sms_notifications,
                "email_notifications": request.user.email_notifications,
            }
        ),
        **forms,
    }
    return render(request, "web/my_data.html", context, status=status)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _my_data(request)


def _update_account(
    request: HttpRequest, form: forms.Form, *, shown_as: str, saved: str
) -> HttpResponse:
    """Save a My data form's fields on the account, as PATCH /api/v1/me/ does
    (accounts.services.user_update); a refusal is shown next to its field in the form the page
    shows as `shown_as`."""
    if form.is_valid():
        try:
            user_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, saved)
            return redirect("web:my-data")
    return _my_data(request, status=400, **{shown_as: form})


@login_required
@require_POST
def my_data_time_zone(request: HttpRequest) -> HttpResponse:
    return _update_account(
        request,
        TimeZoneForm(request.POST),
        shown_as="zone_form",
        saved=_("Your time zone was saved."),
    )


@login_required
@require_POST
def my_data_name(request: HttpRequest) -> HttpResponse:
    """The name messages greet the owner by and staff confirm at the counter (masked); the
    form's fields trim it."""
    return _update_account(
        request, NameForm(request.POST), shown_as="name_form", saved=_("Your name was saved.")
    )


@login_required
@require_POST
def my_data_messages(request: HttpRequest) -> HttpResponse:
    """The channels the owner hears on; safety recalls and one-time codes go out regardless
    (bookings.notify.skips)."""
    return _update_account(
        request,
        MessagesForm(request.POST),
        shown_as="messages_form",
        saved=_("Your choice of messages was saved."),
    )


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    return export_response(request.user)


@login_required
@require_POST
def my_data_erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            account_erase(user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            form_error(form, exc)
            status = 409 if isinstance(exc, ErasureBlocked) else 400
        else:
            logout(request)
            messages.success(request, _("Your account was erased. Goodbye."))
            return redirect("web:home")
    return _my_data(request, status=status, erase_form=form)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(user=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            # This session goes on; every other one and every API token ends.
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _("Your password was changed. You were signed out everywhere else."),
            )
            return redirect("web:my-data")
    status = 400 if form.is_bound else 200
    return render(request, "web/password.html", {"form": form}, status=status)
