"""Forms of the pages every visitor shares (sign in, create an account, the language, the
password, my data): they label input; the rules stay in the services."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..common.fields import CodeField

# The zones a person lives in, by continent and city; the legacy aliases (US/Eastern, Etc/GMT+8,
# PRC…) name no place and stay out of the list.
REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/")
ZONE_CHOICES = [
    (zone, zone.replace("_", " "))
    for zone in sorted(available_timezones())
    if zone.startswith((*REGIONS, "Indian/", "Pacific/"))
]
DEFAULT_ZONE = User._meta.get_field("time_zone").default


class TimeZoneField(forms.ChoiceField):
    """The owner's zone. The page's script picks the browser's zone in a new form; without it
    the default stays (China's)."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            label=_("Your time zone"),
            choices=ZONE_CHOICES,
            help_text=_("Times at an outlet in another zone are also shown on your clock."),
            **kwargs,
        )


class SignInForm(AuthenticationForm):
    """Django's form: it calls authenticate(request=…), so every auth backend (axes) applies."""

    # Django's form sets the field's max_length after building it, which validates nothing: a
    # longer name would reach authenticate and not fit the failed attempt axes records.
    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))

    error_messages = {
        "invalid_login": _("Wrong username or password."),
        "inactive": _("This account is inactive."),
    }


class CreateAccountForm(forms.Form):
    # Django's username field: no capital first letter from a phone's keyboard.
    username = UsernameField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    phone = forms.CharField(label=_("Mobile phone (optional)"), max_length=32, required=False)
    first_name = forms.CharField(label=_("Given name (optional)"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name (optional)"), max_length=150, required=False)
    # Optional: a client that sends none (an old form, a script) gets the default zone.
    time_zone = TimeZoneField(initial=DEFAULT_ZONE, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "new-password"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        if not self.is_bound:
            self.fields["time_zone"].widget.attrs["data-browser-zone"] = "fill"
        if (get_language() or "").startswith("zh"):
            # A Chinese name is written family name first: 姓, then 名.
            self.order_fields(["username", "password", "email", "phone", "last_name"])


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField()


class NameForm(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        if (get_language() or "").startswith("zh"):
            self.order_fields(["last_name", "first_name"])  # 姓, then 名


class MessagesForm(forms.Form):
    """The channels an owner hears from us on: confirmations, reminders and the like."""

    sms_notifications = forms.BooleanField(label=_("Text messages (SMS)"), required=False)
    email_notifications = forms.BooleanField(label=_("E-mail"), required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=User.Language.choices)
    next = forms.CharField(required=False)


def new_password_field() -> forms.CharField:
    """A new password as the change and the reset of a password ask for it."""
    return forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput()
    )
    new_password = new_password_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs["autocomplete"] = "current-password"


class PasswordForgotForm(forms.Form):
    account = forms.CharField(
        label=_("Username, or your verified phone or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class PasswordResetForm(forms.Form):
    code = CodeField()
    new_password = new_password_field()


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(),
        max_length=128,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
