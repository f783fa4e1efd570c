"""Forms of the identity pages: verify a phone, a car, an owner at the counter; upload
delivery records."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code (6 digits)"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CounterVerifyForm(forms.Form):
    booking = forms.CharField(label=_("Reference of the car's visit"), max_length=12)
    phone = forms.CharField(
        label=_("Owner's verified mobile number"),
        max_length=32,
        help_text=_("Check the name on the registration certificate (行驶证) against the person."),
    )


class DeliveryUploadForm(forms.Form):
    brand = forms.ChoiceField(label=_("Brand"), choices=())
    file = forms.FileField(label=_("Delivery records (CSV: VIN, buyer's phone per line)"))

    def __init__(self, *args, brands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [(b.code, b.name) for b in brands]
        self.bad_lines: list[str] = []
