"""A domain exception becomes messages next to the form's fields (the page's error shape)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from hima_service.exceptions import DomainError

# Service argument names that a form shows under another name.
FIELD_ALIASES = {"services": "service", "service_codes": "service"}


def form_error(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Attach `exc` to `form`. A message goes next to its field when the form shows that field;
    otherwise above the form. A domain error's sentence always goes above the form, its short
    per-field notes next to the fields."""
    general: list[str] = []
    form.errors  # noqa: B018 - runs validation once, so added errors are not wiped by it
    if not hasattr(form, "cleaned_data"):  # an unbound form shows errors too
        form.cleaned_data = {}
    if isinstance(exc, DomainError):
        fields, general = dict(exc.fields or {}), [str(exc.detail)]
    elif hasattr(exc, "error_dict"):
        fields = exc.message_dict
    else:
        fields, general = {}, list(exc.messages)
    for name, messages in fields.items():
        field = form.fields.get(FIELD_ALIASES.get(name, name))
        if field is not None and not field.widget.is_hidden:
            form.add_error(FIELD_ALIASES.get(name, name), [str(m) for m in messages])
        elif not isinstance(exc, DomainError):
            general.extend(str(m) for m in messages)
    for message in general:
        form.add_error(None, message)
