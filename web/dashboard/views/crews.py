"""The brand admins' crews page: per outlet of their brand, the technicians' certificates that
lapse within 30 days and the days on which the brand's jobs could find no qualified crew. The
same reads and input rules as GET /api/v1/audit/crews/ (audit.crews, its input serializer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.crew_serializers import CrewAuditInputSerializer
from audit.crews import LAPSING_DAYS, crew_audit
from audit.scope import Auditor, audit_scope
from hima_service.exceptions import NotFound
from hima_service.routers import audit_reads
from vehicles.models import Brand

from ...common.display import local_name
from ...common.errors import form_error
from .overview import _auditor, api_query


class CrewsFilterForm(forms.Form):
    """The days to read and, for those who audit several brands, the brand."""

    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Default: today."),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Default: 30 days from the first."),
    )
    brand = forms.CharField(label=gettext_lazy("Brand"), max_length=16, required=False)

    def __init__(self, data: Any, *, auditor: Auditor):
        super().__init__(data)
        if auditor.is_alliance:
            brands = [(b.code, local_name(b)) for b in Brand.objects.order_by("code")]
            self.fields["brand"].widget = forms.Select(choices=[("", _("Choose a brand")), *brands])
        elif len(auditor.brands) > 1:
            self.fields["brand"].widget = forms.Select(
                choices=[(b.code, local_name(b)) for b in auditor.brands]
            )
        else:
            self.fields["brand"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        raw = {
            name: value.isoformat()
            for name in ("date_from", "date_to")
            if (value := data.get(name)) is not None
        }
        serializer = CrewAuditInputSerializer(data=raw)
        if not serializer.is_valid():
            for name, messages in serializer.errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, str(message))
            return data
        period = serializer.validated_data["period"]
        data["period"] = period
        # The fields show the days read, defaults included.
        self.data = self.data.copy()
        self.data["date_from"] = period.date_from.isoformat()
        self.data["date_to"] = period.date_to.isoformat()
        return data


@login_required
@audit_reads()
def crews(request: HttpRequest) -> HttpResponse:
    auditor = _auditor(request)
    form = CrewsFilterForm(request.GET, auditor=auditor)
    context: dict[str, Any] = {"form": form, "section": "crews", "lapsing_days": LAPSING_DAYS}
    if form.is_valid():
        try:
            scope = audit_scope(auditor=auditor, brand_code=form.cleaned_data["brand"] or None)
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except ValidationError as exc:
            form_error(form, exc)
            scope = None
        if scope is not None and scope.brand is None:
            form_error(form, ValidationError({"brand": [_("Choose a brand.")]}))
            scope = None
        if scope is not None:
            period = form.cleaned_data["period"]
            audit = crew_audit(brand=scope.brand, period=period, today=timezone.localdate())
            context.update(
                scope=scope,
                period=period,
                audit=audit,
                lapsing=[
                    (row.outlet, certificate)
                    for row in audit.outlets
                    for certificate in row.lapsing
                ],
                crewless=[(row.outlet, day) for row in audit.outlets for day in row.crewless_days],
                bays_only=[row.outlet for row in audit.outlets if not row.outlet.plans_crews],
                csv_query=api_query(scope, period, format="csv"),
            )
    return render(request, "web/dashboard/crews.html", context)
