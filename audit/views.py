"""Thin views: who is auditing, parse the period, call one selector, serialize (JSON or CSV).
Each handler reads inside audit_reads() (the replica, when there is one), after DRF has
authenticated the caller on the primary."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from hima_service import csv_export
from hima_service.exceptions import NotFound
from hima_service.routers import audit_reads
from hima_service.schema import ErrorSerializer
from outlets.models import Outlet

from . import export, kept
from .crew_serializers import CrewAuditInputSerializer, CrewAuditSerializer, crew_audit_table
from .crews import crew_audit
from .scope import AuditScope, audit_scope, auditor_for
from .selectors import Period, audit_bookings, audit_outlet
from .serializers import (
    AuditBookingSerializer,
    AuditBookingsInputSerializer,
    AuditFilterInputSerializer,
    EquityAuditSerializer,
    FiguresSerializer,
    OutletAuditSerializer,
    OutletFiguresSerializer,
)

FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: the same rows as a CSV download (UTF-8 with BOM, header row).",
)
CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.BINARY}
PAGE = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("page_size", int, description="Bookings per page (at most 100)."),
]


def _parse(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _outlet_filter(code: str | None) -> Outlet | None:
    if not code:
        return None
    outlet = audit_outlet(code=code)
    if outlet is None:
        raise ValidationError({"outlet": [_("Unknown outlet.")]})
    return outlet


def _brand_label(scope: AuditScope) -> str:
    return scope.brand.code if scope.brand else "ALL"


class _AuditView(csv_export.CsvDownloadMixin, APIView):
    # An audit's answer runs to megabytes (the alliance's equity view of every outlet, some ten
    # at full size), where the json module's writing took a tenth of a second; orjson writes
    # the same JSON in a tenth of that. The rest of the API answers in kilobytes, with DRF's.
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer, csv_export.CsvRenderer]

    def scope_and_filters(self) -> tuple[AuditScope, dict]:
        auditor = auditor_for(user=self.request.user)
        data = _parse(self.input_serializer, self.request.query_params)
        return audit_scope(auditor=auditor, brand_code=data.get("brand")), data


class OutletAuditView(_AuditView):
    input_serializer = AuditFilterInputSerializer

    @extend_schema(
        parameters=[AuditFilterInputSerializer, FORMAT],
        responses={200: OutletAuditSerializer, 404: ErrorSerializer, **CSV_RESPONSE},
    )
    @audit_reads()
    def get(self, request):
        scope, data = self.scope_and_filters()
        period: Period = data["period"]
        figured = kept.outlet_figures(
            scope=scope,
            period=period,
            outlet=_outlet_filter(data.get("outlet")),
            city=data.get("city"),
        )
        audit = figured.value
        body = OutletAuditSerializer(
            {
                "brand": scope.brand.code if scope.brand else None,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "computed_at": figured.computed_at,
                "rows": audit.rows,
                "total": audit.total,
            }
        ).data
        if self.wants_csv():
            return self.csv_response(
                export.outlet_audit_table(body, OutletFiguresSerializer().fields),
                export.filename("outlets", _brand_label(scope), period.date_from, period.date_to),
            )
        return Response(body)


class EquityAuditView(_AuditView):
    input_serializer = AuditFilterInputSerializer

    @extend_schema(
        parameters=[AuditFilterInputSerializer, FORMAT],
        responses={200: EquityAuditSerializer, 404: ErrorSerializer, **CSV_RESPONSE},
    )
    @audit_reads()
    def get(self, request):
        scope, data = self.scope_and_filters()
        period: Period = data["period"]
        figured = kept.equity(
            scope=scope,
            period=period,
            outlet=_outlet_filter(data.get("outlet")),
            city=data.get("city"),
        )
        audit = figured.value
        body = EquityAuditSerializer(
            {
                "brand": scope.brand.code if scope.brand else None,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "computed_at": figured.computed_at,
                "outlets": audit.outlets,
                "tests": audit.tests,
                "flags": audit.flags,
            }
        ).data
        if self.wants_csv():
            return self.csv_response(
                export.equity_table(body, FiguresSerializer().fields),
                export.filename("equity", _brand_label(scope), period.date_from, period.date_to),
            )
        return Response(body)


class CrewAuditView(_AuditView):
    """One brand's crews: certificates lapsing soon and days without a qualified crew."""

    input_serializer = CrewAuditInputSerializer

    @extend_schema(
        parameters=[CrewAuditInputSerializer, FORMAT],
        responses={
            200: CrewAuditSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            **CSV_RESPONSE,
        },
    )
    @audit_reads()
    def get(self, request):
        scope, data = self.scope_and_filters()
        if scope.brand is None:
            # A crew is judged for a brand's cars: "every brand" has no one answer.
            raise ValidationError({"brand": [_("Choose a brand.")]})
        period: Period = data["period"]
        audit = crew_audit(brand=scope.brand, period=period, today=timezone.localdate())
        body = CrewAuditSerializer(audit).data
        if self.wants_csv():
            return self.csv_response(
                crew_audit_table(body),
                export.filename("crews", scope.brand.code, period.date_from, period.date_to),
            )
        return Response(body)


class AuditBookingsView(_AuditView, ListAPIView):
    """The bookings behind one figure at one outlet, in the order of their start."""

    input_serializer = AuditBookingsInputSerializer
    serializer_class = AuditBookingSerializer
    filter_backends: list = []

    def get_queryset(self):
        return []  # only for schema generation: get() asks the selector

    @extend_schema(
        parameters=[AuditBookingsInputSerializer, *PAGE, FORMAT],
        responses={200: AuditBookingSerializer(many=True), **CSV_RESPONSE},
    )
    @audit_reads()
    def get(self, request, code: str):
        scope, data = self.scope_and_filters()
        outlet = audit_outlet(code=code)
        if outlet is None:
            raise NotFound(_("No outlet has this code."))
        period: Period = data["period"]
        rows = audit_bookings(scope=scope, period=period, outlet=outlet, metric=data["metric"])
        context = {"time_zone": outlet.time_zone}
        if self.wants_csv():
            serializer = AuditBookingSerializer(list(rows), many=True, context=context)
            return self.csv_response(
                csv_export.table(serializer.data, AuditBookingSerializer().fields),
                export.filename(
                    "bookings",
                    outlet.code,
                    data["metric"],
                    _brand_label(scope),
                    period.date_from,
                    period.date_to,
                ),
            )
        page = self.paginate_queryset(rows)
        serializer = AuditBookingSerializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)
