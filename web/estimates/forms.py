"""The staff's form for a line of extra work, taken on a phone beside the car."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from estimates.models import EstimateLine
from estimates.services import PartInput
from outlets.models import ServiceType

PART_ROWS = 3


class LineForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("Grade"), choices=EstimateLine.Grade.choices, widget=forms.RadioSelect
    )
    service = forms.ModelChoiceField(
        label=_("Catalog service"),
        queryset=ServiceType.objects.filter(is_active=True).order_by("code"),
        required=False,
        empty_label=_("— a repair, described below —"),
        to_field_name="code",
    )
    description = forms.CharField(label=_("Repair"), max_length=255, required=False)
    labour_minutes = forms.IntegerField(
        label=_("Labour (minutes)"), min_value=0, max_value=24 * 60, required=False
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, PART_ROWS + 1):
            self.fields[f"part_{row}_name"] = forms.CharField(
                label=_("Part %(n)s") % {"n": row}, max_length=120, required=False
            )
            # The digits of the part's columns (EstimatePart), as the API's input has them.
            self.fields[f"part_{row}_quantity"] = forms.DecimalField(
                label=_("Quantity"),
                min_value=Decimal("0.01"),
                max_digits=7,
                decimal_places=2,
                required=False,
            )
            self.fields[f"part_{row}_unit_price"] = forms.DecimalField(
                label=_("Unit price"),
                min_value=Decimal("0"),
                max_digits=9,
                decimal_places=2,
                required=False,
            )

    def part_rows(self) -> list[tuple]:
        return [
            (self[f"part_{n}_name"], self[f"part_{n}_quantity"], self[f"part_{n}_unit_price"])
            for n in range(1, PART_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        parts: list[PartInput] = []
        for row in range(1, PART_ROWS + 1):
            name = (data.get(f"part_{row}_name") or "").strip()
            quantity = data.get(f"part_{row}_quantity")
            price = data.get(f"part_{row}_unit_price")
            if not name and quantity is None and price is None:
                continue
            if not name or quantity is None or price is None:
                self.add_error(
                    f"part_{row}_name", _("Give the part's name, quantity and unit price.")
                )
                continue
            parts.append(PartInput(name=name, quantity=quantity, unit_price=price))
        data["parts"] = parts
        if data.get("service") is None and not (data.get("description") or "").strip():
            self.add_error("description", _("Describe the repair, or choose a catalog service."))
        if data.get("service") is not None and parts:
            self.add_error("service", _("A catalog service has its own standard price: no parts."))
        return data
