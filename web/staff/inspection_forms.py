"""The inspection page's form: the readings, the walk-around's six views and one damage mark to
add. It parses and labels the input; the photos are checked by the service
(workshop.photos), whose refusal is put next to the photo at fault."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workshop.models import Angle, Inspection
from workshop.services import DamageInput, ViewInput

# The phone's camera opens straight away; a desktop offers its file picker.
CAMERA = {"accept": "image/*", "capture": "environment"}


def _note(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _photo(label) -> forms.FileField:
    return forms.FileField(label=label, required=False, widget=forms.FileInput(attrs=CAMERA))


class InspectionForm(forms.Form):
    odometer_km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, max_value=5_000_000)
    state_of_charge = forms.IntegerField(label=_("State of charge (%)"), min_value=0, max_value=100)
    damage_location = forms.CharField(
        label=_("Where is the damage?"), max_length=120, required=False
    )
    damage_note = _note(_("Damage note"))
    damage_photo = _photo(_("Damage photo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for angle, label in Angle.choices:
            self.fields[f"{angle}_note"] = _note(_("Note on the %(view)s") % {"view": label})
            self.fields[f"{angle}_photo"] = _photo(_("Photo of the %(view)s") % {"view": label})

    @staticmethod
    def initial_for(inspection: Inspection | None, *, odometer_km: int) -> dict:
        """What was recorded, to change; the car's last reading before the first record."""
        if inspection is None:
            return {"odometer_km": odometer_km}
        initial = {
            "odometer_km": inspection.odometer_km,
            "state_of_charge": inspection.state_of_charge,
        }
        for view in inspection.views.all():
            initial[f"{view.angle}_note"] = view.note
        return initial

    def views(self) -> dict[str, ViewInput]:
        data = self.cleaned_data
        return {
            angle: ViewInput(note=data[f"{angle}_note"], photo=data.get(f"{angle}_photo"))
            for angle in Angle.values
        }

    def damage(self) -> DamageInput | None:
        data = self.cleaned_data
        if not (data["damage_location"] or data["damage_note"] or data.get("damage_photo")):
            return None
        return DamageInput(
            location=data["damage_location"],
            note=data["damage_note"],
            photo=data.get("damage_photo"),
        )

    def has_photos(self) -> bool:
        return any(self.files.get(name) for name in self.files)
