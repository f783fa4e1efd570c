"""Forms of the brand admins' pages. The audit dashboard's filters are a GET form that works
without JavaScript: it turns a preset period into dates and checks them with the audit API's own
input serializer, so the page and the API refuse the same periods with the same messages. Then
the recall campaigns' forms and the delivery records' upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.periods import last_quarter
from audit.scope import Auditor
from audit.selectors import Period
from audit.serializers import AuditBookingsInputSerializer, AuditFilterInputSerializer
from audit.sql import METRICS
from outlets.models import Outlet, ServiceType
from vehicles.models import Brand, VehicleModel

from ..common.display import car_name, local_name


class Preset(models.TextChoices):
    LAST_QUARTER = "last_quarter", _("Last quarter")
    THIS_MONTH = "this_month", _("This month")
    LAST_MONTH = "last_month", _("Last month")
    CUSTOM = "custom", _("Custom dates")


def preset_period(preset: str, *, today: dt.date) -> Period | None:
    """The dates of a preset period, on the platform's calendar; None for custom dates."""
    if preset == Preset.THIS_MONTH:
        return Period(date_from=today.replace(day=1), date_to=today)
    if preset == Preset.LAST_MONTH:
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        return Period(date_from=last_day.replace(day=1), date_to=last_day)
    if preset == Preset.LAST_QUARTER:
        return last_quarter(today=today)
    return None


class LongSelect(forms.Select):
    """A select of many flat choices (every outlet of the network): the same HTML as Django's
    Select, each option written in the select's own template, where Django's includes two
    templates per option: most of the filters' rendering at the alliance's size."""

    template_name = "web/widgets/long_select.html"


def _shown(date_from: dt.date | None, date_to: dt.date | None) -> str:
    return f"{date_from.isoformat() if date_from else ''}/{date_to.isoformat() if date_to else ''}"


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=Preset.choices,
        required=False,
        initial=Preset.LAST_QUARTER,
        help_text=_("Last quarter: the 90 days up to yesterday."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    brand = forms.CharField(label=_("Brand"), max_length=16, required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    outlet = forms.ChoiceField(label=_("Outlet"), required=False, widget=LongSelect)
    sort = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    # The dates the page showed ("from/to"): dates still equal to them were not typed, so a
    # preset chosen over them wins (without the script that clears them).
    shown = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    # The API serializer whose rules the dates (and the page's other fields) must pass.
    api_serializer: type = AuditFilterInputSerializer

    def __init__(
        self,
        data: Any,
        *,
        auditor: Auditor,
        brands: list[Brand],
        cities: list[tuple[str, str]],
        outlets: list[Outlet],
        today: dt.date,
    ):
        super().__init__(data)
        self.today = today
        if auditor.is_alliance:
            choices = [("", _("All brands")), *((b.code, local_name(b)) for b in brands)]
            self.fields["brand"].widget = forms.Select(choices=choices)
        elif len(auditor.brands) > 1:
            self.fields["brand"].widget = forms.Select(
                choices=[(b.code, local_name(b)) for b in auditor.brands]
            )
        else:
            # One brand: nothing to choose (the scope defaults to it); a brand named in the
            # query still goes to the scope, which answers 404 for another brand's.
            self.fields["brand"].widget = forms.HiddenInput()
        self.fields["city"].choices = [("", _("All cities")), *cities]
        self.fields["outlet"].choices = [
            ("", _("All outlets")),
            *((o.code, f"{o.display_name} · {o.code}") for o in outlets),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        preset = data.get("period") or Preset.LAST_QUARTER
        period = preset_period(preset, today=self.today)
        typed = (data.get("date_from"), data.get("date_to"))
        # The date fields show the period read last time. A preset chosen over them wins while
        # they still say what the page showed; dates typed over them mean custom dates, so that
        # the form works without the script that clears or switches them.
        untouched = data.get("shown") == _shown(*typed)
        if (
            period is not None
            and any(typed)
            and typed != (period.date_from, period.date_to)
            and not untouched
        ):
            preset, period = Preset.CUSTOM, None
        if period is None:
            date_from, date_to = typed
        else:
            date_from, date_to = period.date_from, period.date_to
        raw = {
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "brand": data.get("brand") or None,
            "city": data.get("city") or None,
            "outlet": data.get("outlet") or None,
            **self.extra_api_fields(data),
        }
        serializer = self.api_serializer(data={k: v for k, v in raw.items() if v is not None})
        if not serializer.is_valid():
            for name, messages in serializer.errors.items():
                target = name if name in self.fields else None
                for message in messages:
                    self.add_error(target, str(message))
            return data
        checked = serializer.validated_data
        data["period"] = checked["period"]
        data["preset"] = preset
        # The fields show what was read: the preset and its dates (API defaults included).
        self.data = self.data.copy()
        self.data["period"] = preset
        self.data["date_from"] = checked["period"].date_from.isoformat()
        self.data["date_to"] = checked["period"].date_to.isoformat()
        self.data["shown"] = _shown(checked["period"].date_from, checked["period"].date_to)
        return data

    def extra_api_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    @property
    def preset_label(self) -> str:
        """The period the form reads, as its select names it (the folded form's summary)."""
        value = self.data.get("period") or Preset.LAST_QUARTER
        return str(Preset(value).label) if value in Preset.values else ""


METRIC_CHOICES = sorted(METRICS)


class FigureBookingsForm(DashboardFilterForm):
    """The bookings behind one figure: the dashboard's period and brand, and the figure."""

    metric = forms.ChoiceField(label=_("Figure"), required=False)
    api_serializer = AuditBookingsInputSerializer

    def __init__(self, data: Any, *, metric_labels: dict[str, str], **kwargs: Any):
        super().__init__(data, **kwargs)
        self.fields["metric"].choices = [(m, metric_labels.get(m, m)) for m in METRIC_CHOICES]
        # One outlet is in the path; a city or another outlet filter means nothing here.
        del self.fields["city"]
        del self.fields["outlet"]
        del self.fields["sort"]

    def extra_api_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"metric": data.get("metric") or "all"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["metric"] = data.get("metric") or "all"
        return data


class _ModelsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: VehicleModel) -> str:
        return car_name(obj)


class CampaignForm(forms.Form):
    """A new recall campaign; the rules (recall category, the brand's models, the year range,
    a unique code) are recalls.services', their messages land next to these fields."""

    brand = forms.ChoiceField(label=_("Brand"))
    code = forms.CharField(
        label=_("Campaign code"), max_length=32, help_text=_("e.g. AITO-2026-R01")
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    service = forms.ModelChoiceField(label=_("Recall service"), queryset=ServiceType.objects.none())
    models = _ModelsField(
        label=_("Affected models (optional)"),
        queryset=VehicleModel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    model_year_from = forms.IntegerField(
        label=_("Model years from (optional)"), min_value=1980, max_value=2100, required=False
    )
    model_year_to = forms.IntegerField(
        label=_("Model years to (optional)"), min_value=1980, max_value=2100, required=False
    )

    def __init__(self, data: Any = None, *, brands: list[Brand], services: Any, models: Any):
        super().__init__(data)
        self.fields["brand"].choices = [(b.code, local_name(b)) for b in brands]
        if len(brands) == 1:
            self.fields["brand"].initial = brands[0].code
            self.fields["brand"].widget = forms.HiddenInput()
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = local_name
        self.fields["models"].queryset = models


class VinUploadForm(forms.Form):
    file = forms.FileField(label=_("VIN list (CSV, one VIN per line)"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The refused file's bad lines, each with its number and reason (shown as a list).
        self.bad_lines: list[str] = []


class DeliveryUploadForm(forms.Form):
    brand = forms.ChoiceField(label=_("Brand"), choices=())
    file = forms.FileField(label=_("Delivery records (CSV: VIN, buyer's phone per line)"))

    def __init__(self, *args, brands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [(b.code, local_name(b)) for b in brands]
        self.bad_lines: list[str] = []
