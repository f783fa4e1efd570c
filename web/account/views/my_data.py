"""My data (download, erase) and the password page: the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_password_change
from bookings.personal_data.services import ErasureBlocked, account_erase
from bookings.personal_data.views import export_response
from hima_service.exceptions import DomainError

from ...common.errors import form_error
from ..forms import EraseForm, PasswordChangeForm


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "web/my_data.html", {"erase_form": EraseForm()})


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
    return render(request, "web/my_data.html", {"erase_form": form}, status=status)


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
