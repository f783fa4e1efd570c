"""Sign in, sign out, create an account: session authentication with CSRF."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_POST

from accounts.lockout import is_locked_out, sign_in_lockout
from accounts.serializers import RegisterInputSerializer
from accounts.services import user_register
from bookings.access import admin_brand_ids, staff_outlet_ids

from ...common.errors import form_error
from ..forms import CreateAccountForm, SignInForm
from ..throttle import create_account_refused_for
from .pages import safe_next

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many new accounts from here. Please wait %(seconds)d second and try again.",
        "Too many new accounts from here. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.method != "POST":
        form = SignInForm(request)
        return render(request, "web/sign_in.html", {"form": form, "next": next_url})
    form = SignInForm(request, data=request.POST)
    if form.is_valid():
        user = form.get_user()
        login(request, user)
        if next_url:
            return redirect(safe_next(request, next_url))
        # Outlet staff start their day on the board, brand and alliance admins on the audit
        # dashboard, everyone else on their vehicles.
        if staff_outlet_ids(user):
            return redirect("web:staff")
        if user.is_alliance_admin or admin_brand_ids(user):
            return redirect("web:dashboard")
        return redirect("web:vehicles")
    if is_locked_out(request):
        # The API's own lockout (django-axes, failures only): the same rule and the same words.
        lockout = sign_in_lockout(request=request, credentials=request.POST.dict())
        form = SignInForm(request, initial={"username": request.POST.get("username", "")})
        context = {"form": form, "next": next_url, "throttled": lockout.detail}
        return render(request, "web/sign_in.html", context, status=429)
    return render(request, "web/sign_in.html", {"form": form, "next": next_url}, status=400)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


def create_account(request: HttpRequest) -> HttpResponse:
    form = CreateAccountForm(request.POST or None)
    if request.method == "POST" and (wait := create_account_refused_for(request)) is not None:
        context = {"form": CreateAccountForm(), "throttled": _wait_message(wait)}
        return render(request, "web/create_account.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        # The API's own input rules (username taken in any case, password validators).
        serializer = RegisterInputSerializer(data={**form.cleaned_data, "language": get_language()})
        if serializer.is_valid():
            try:
                user = user_register(**serializer.validated_data)
            except ValidationError as exc:  # a phone that is not one; a name taken meanwhile
                form_error(form, exc)
            else:
                login(request, user, backend=MODEL_BACKEND)
                return redirect("web:vehicles")
        for field, messages in serializer.errors.items():
            form.add_error(field if field in form.fields else None, [str(m) for m in messages])
    status = 400 if request.method == "POST" else 200
    return render(request, "web/create_account.html", {"form": form}, status=status)
