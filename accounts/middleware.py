from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .language import activate_user_language


class UserLanguageMiddleware:
    """Pages (and session-authenticated API calls) in the signed-in user's saved language.

    Runs after AuthenticationMiddleware and inside LocaleMiddleware, which then labels the
    response (Content-Language) with the language chosen here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)
