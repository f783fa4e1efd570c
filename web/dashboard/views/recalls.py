"""Recall campaigns for brand admins: the list with progress, a new campaign, one campaign's
progress per outlet with its VIN upload. The views call recalls.access for who manages which
brand, and the recalls app's own services and selectors (the API's); owners and outlet staff
get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hima_service.exceptions import NotFound
from outlets.models import ServiceType
from recalls.access import RecallManager, brand_for_new_campaign, recall_manager
from recalls.models import RecallCampaign
from recalls.selectors import campaign_get, campaign_list, campaign_outlet_progress, progress_of
from recalls.services import campaign_create
from recalls.vins import MAX_BYTES, VinFileRejected, campaign_import_vins
from vehicles.models import Brand, VehicleModel

from ...common.errors import form_error
from ..charts import figures
from ..forms import CampaignForm, VinUploadForm


def _manager(request: HttpRequest) -> RecallManager:
    try:
        return recall_manager(user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _campaign(manager: RecallManager, code: str) -> RecallCampaign:
    campaign = campaign_get(manager=manager, code=code)
    if campaign is None:  # none with that code, or another brand's (rule 4)
        raise Http404(_("Not found."))
    return campaign


def _campaign_form(manager: RecallManager, data: Any = None) -> CampaignForm:
    brands = list(Brand.objects.order_by("code")) if manager.is_alliance else list(manager.brands)
    return CampaignForm(
        data,
        brands=brands,
        services=ServiceType.objects.filter(
            category=ServiceType.Category.RECALL, is_active=True
        ).order_by("code"),
        models=VehicleModel.objects.filter(brand__in=brands)
        .select_related("brand")
        .order_by("brand__code", "code"),
    )


@login_required
def recall_list(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    rows = [(c, progress_of(c)) for c in campaign_list(manager=manager)]
    return render(
        request,
        "web/dashboard/recalls.html",
        {
            "section": "recalls",
            "rows": rows,
            "chart": figures.recall_chart(rows=rows),
        },
    )


@login_required
def recall_new(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = _campaign_form(manager, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                actor=request.user,
                brand=brand_for_new_campaign(manager=manager, brand_code=data["brand"]),
                code=data["code"],
                title_zh=data["title_zh"],
                title_en=data["title_en"],
                description_zh=data["description_zh"],
                description_en=data["description_en"],
                service_type=data["service"],
                vehicle_models=list(data["models"]),
                model_year_from=data["model_year_from"],
                model_year_to=data["model_year_to"],
            )
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Campaign %(code)s is open.") % {"code": campaign.code})
            return redirect("web:recall", code=campaign.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/dashboard/recall_new.html",
        {"section": "recalls", "form": form},
        status=status,
    )


def _detail(
    request: HttpRequest, campaign: RecallCampaign, upload: VinUploadForm, status: int = 200
) -> HttpResponse:
    outlets = campaign_outlet_progress(campaign)
    context = {
        "section": "recalls",
        "campaign": campaign,
        "progress": progress_of(campaign),
        "outlets": outlets,
        "chart": figures.recall_outlet_chart(outlets=outlets),
        "upload": upload,
    }
    return render(request, "web/dashboard/recall.html", context, status=status)


@login_required
def recall_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(_manager(request), code)
    return _detail(request, campaign, VinUploadForm())


@login_required
@require_POST
def recall_upload(request: HttpRequest, code: str) -> HttpResponse:
    """The VIN file, all or nothing: a refused file shows every bad line on the page."""
    campaign = _campaign(_manager(request), code)
    form = VinUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, campaign, form, status=400)
    try:
        result = campaign_import_vins(
            campaign=campaign, data=form.cleaned_data["file"].read(MAX_BYTES + 1)
        )
    except VinFileRejected as exc:
        # The sentence above the form, every bad line (number and reason) listed below it.
        form.bad_lines = [str(line) for line in (exc.fields or {}).get("file", [])]
        form.add_error(None, str(exc.detail))
        return _detail(request, campaign, form, status=400)
    messages.success(
        request,
        _("%(vins)s VINs read: %(added)s added, %(already)s already in the campaign.")
        % {"vins": result.vins, "added": result.added, "already": result.already},
    )
    return redirect("web:recall", code=campaign.code)
