"""Home, the language switch, and the error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services import user_update

from ..forms import LanguageForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: saved on the user when signed in, in the language cookie always (so
    the next anonymous page, e.g. after signing out, keeps it)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(safe_next(request, request.POST.get("next")))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_update(user=request.user, language=language)
    response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response
