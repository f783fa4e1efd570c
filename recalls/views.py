"""Thin views: who manages which campaigns, parse, call one service or selector, serialize
(JSON or CSV). Also the vehicle endpoints with each car's open recalls (docs/recalls.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from hima_service import csv_export
from hima_service.exceptions import NotFound
from hima_service.idempotency import idempotent
from hima_service.schema import ErrorSerializer
from outlets.models import ServiceType
from vehicles import views as vehicle_views
from vehicles.models import Vehicle, VehicleModel

from . import export
from .access import brand_for_new_campaign, recall_manager
from .models import RecallCampaign
from .selectors import campaign_get, campaign_list, campaign_progress, open_recalls_by_vehicle
from .serializers import (
    CampaignCreateInputSerializer,
    CampaignDetailOutputSerializer,
    CampaignFilterSerializer,
    CampaignOutputSerializer,
    VehicleWithRecallsSerializer,
    VinImportOutputSerializer,
    VinUploadInputSerializer,
)
from .services import campaign_create
from .vins import MAX_BYTES, campaign_import_vins

FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: the same figures as a CSV download (UTF-8 with BOM, header row).",
)
CSV_RESPONSE = (200, "text/csv")


def _parse(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _CsvView(csv_export.CsvDownloadMixin, APIView):
    def get_renderers(self):
        # CSV is a download of what a GET reads; a write answers JSON only.
        renderers = super().get_renderers()
        if self.request.method == "GET":
            return renderers
        return [r for r in renderers if not isinstance(r, csv_export.CsvRenderer)]


def _service(code: str) -> ServiceType:
    service = ServiceType.objects.filter(code=code).first()
    if service is None:
        raise ValidationError({"service": [_("Unknown service.")]})
    return service


def _models(codes: list[str]) -> list[VehicleModel]:
    unique = list(dict.fromkeys(codes))
    found = {m.code: m for m in VehicleModel.objects.filter(code__in=unique)}
    if missing := [code for code in unique if code not in found]:
        raise ValidationError(
            {"models": [_("Unknown model: %(codes)s.") % {"codes": ", ".join(missing)}]}
        )
    return [found[code] for code in unique]


class CampaignListView(_CsvView, GenericAPIView):
    serializer_class = CampaignOutputSerializer  # pages come from the default pagination

    @extend_schema(
        operation_id="v1_recalls_list",
        parameters=[CampaignFilterSerializer, FORMAT],
        responses={
            200: CampaignOutputSerializer(many=True),
            404: ErrorSerializer,
            CSV_RESPONSE: OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        manager = recall_manager(user=request.user)
        filters = _parse(CampaignFilterSerializer, request.query_params)
        campaigns = campaign_list(manager=manager, brand=filters.get("brand"))
        if self.wants_csv():
            data = CampaignOutputSerializer(campaigns, many=True).data
            label = filters.get("brand", "").upper() or (
                manager.brands[0].code if len(manager.brands) == 1 else "ALL"
            )
            return self.csv_response(export.campaigns_table(data), export.filename(label))
        page = self.paginate_queryset(campaigns)
        return self.get_paginated_response(CampaignOutputSerializer(page, many=True).data)

    @extend_schema(
        request=CampaignCreateInputSerializer,
        responses={201: CampaignDetailOutputSerializer, 404: ErrorSerializer},
    )
    @idempotent
    def post(self, request):
        manager = recall_manager(user=request.user)
        data = _parse(CampaignCreateInputSerializer, request.data)
        campaign = campaign_create(
            actor=request.user,
            brand=brand_for_new_campaign(manager=manager, brand_code=data.get("brand")),
            code=data["code"],
            title_zh=data["title_zh"],
            title_en=data["title_en"],
            description_zh=data["description_zh"],
            description_en=data["description_en"],
            service_type=_service(data["service"]),
            vehicle_models=_models(data["models"]),
            model_year_from=data.get("model_year_from"),
            model_year_to=data.get("model_year_to"),
        )
        campaign = campaign_get(manager=manager, code=campaign.code)
        return Response(
            CampaignDetailOutputSerializer(campaign).data, status=status.HTTP_201_CREATED
        )


def _campaign(request, code: str) -> RecallCampaign:
    campaign = campaign_get(manager=recall_manager(user=request.user), code=code)
    if campaign is None:  # none with that code, or another brand's (rule 4)
        raise NotFound(_("Not found."))
    return campaign


class CampaignDetailView(_CsvView):
    @extend_schema(
        parameters=[FORMAT],
        responses={200: CampaignDetailOutputSerializer, CSV_RESPONSE: OpenApiTypes.BINARY},
    )
    def get(self, request, code: str):
        campaign = _campaign(request, code)
        data = CampaignDetailOutputSerializer(campaign).data
        if self.wants_csv():
            return self.csv_response(
                export.progress_table(data), export.filename(campaign.brand.code, campaign.code)
            )
        return Response(data)


class VinFileParser(BaseParser):
    """A VIN list sent as the request body (text/csv or text/plain): the raw bytes, at most
    one byte more than the import takes, so that a larger file is refused, not cut."""

    media_type = "text/*"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(MAX_BYTES + 1) if stream is not None else b""


class CampaignVinsView(APIView):
    parser_classes = [VinFileParser, MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": VinUploadInputSerializer,
            "text/csv": OpenApiTypes.STR,
        },
        responses={200: VinImportOutputSerializer},
        description="Add a VIN list (CSV, one VIN per line in the first column, at most "
        "100,000 lines): all or nothing; a file with bad lines imports nothing and the answer "
        "names each bad line. Repeating an upload adds nothing.",
    )
    def post(self, request, code: str):
        campaign = _campaign(request, code)
        if request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": [_("Attach the VIN list as `file`.")]})
            data = upload.read(MAX_BYTES + 1)
        else:
            data = request.data if isinstance(request.data, bytes) else b""
        result = campaign_import_vins(campaign=campaign, data=data)
        return Response(
            VinImportOutputSerializer(
                {
                    "campaign": campaign.code,
                    "lines": result.lines,
                    "vins": result.vins,
                    "added": result.added,
                    "already": result.already,
                    "progress": campaign_progress(campaign_id=campaign.pk),
                }
            ).data
        )


# --- the vehicle endpoints, with each car's open recalls ----------------------------------


class _WithOpenRecalls:
    output_serializer = VehicleWithRecallsSerializer

    def output_context(self, vehicles: list[Vehicle]) -> dict:
        return {"open_recalls": open_recalls_by_vehicle(list(vehicles))}


class VehicleListView(_WithOpenRecalls, vehicle_views.VehicleListView):
    @extend_schema(responses={200: VehicleWithRecallsSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=vehicle_views.VehicleCreateInputSerializer,
        responses={201: VehicleWithRecallsSerializer},
    )
    def post(self, request):
        return super().post(request)


class VehicleDetailView(_WithOpenRecalls, vehicle_views.VehicleDetailView):
    @extend_schema(responses={200: VehicleWithRecallsSerializer})
    def get(self, request, pk: int):
        return super().get(request, pk)

    @extend_schema(
        request=vehicle_views.VehicleUpdateInputSerializer,
        responses={200: VehicleWithRecallsSerializer},
    )
    def patch(self, request, pk: int):
        return super().patch(request, pk)
