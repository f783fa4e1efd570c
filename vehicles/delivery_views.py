"""POST /api/v1/delivery-records/: a brand admin uploads their brand's delivery records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .delivery_records import MAX_BYTES, delivery_brand, delivery_records_import


class _RawParser(BaseParser):
    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(MAX_BYTES + 1) if stream is not None else b""


class CsvParser(_RawParser):
    media_type = "text/csv"


class JsonFileParser(_RawParser):
    media_type = "application/json"


class DeliveryUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV: VIN,buyer phone per line")
    brand = serializers.CharField(required=False)


class DeliveryImportOutputSerializer(serializers.Serializer):
    brand = serializers.CharField()
    lines = serializers.IntegerField()
    added = serializers.IntegerField()
    already = serializers.IntegerField()


class DeliveryRecordsView(APIView):
    parser_classes = [CsvParser, JsonFileParser, MultiPartParser]
    # Anyone but a brand's admins (and another brand's) is answered 404, as for someone else's
    # object: the schema documents it (hima_service.schema).
    not_found_for_others = True

    @extend_schema(
        request={
            "multipart/form-data": DeliveryUploadInputSerializer,
            "text/csv": OpenApiTypes.STR,
            "application/json": OpenApiTypes.OBJECT,
        },
        responses={200: DeliveryImportOutputSerializer},
        description="Delivery records of the admin's brand (?brand= when they have several): "
        "CSV lines `VIN,buyer phone` or a JSON list of {vin, buyer_phone}. All or nothing: a "
        "file with bad lines imports nothing and the answer names each bad line.",
    )
    def post(self, request):
        brand = delivery_brand(
            user=request.user,
            brand_code=request.query_params.get("brand") or request.POST.get("brand"),
        )
        is_json = request.content_type.startswith("application/json")
        if request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": [_("Attach the delivery records as `file`.")]})
            data = upload.read(MAX_BYTES + 1)
            is_json = upload.name.lower().endswith(".json")
        else:
            data = request.data if isinstance(request.data, bytes) else b""
        result = delivery_records_import(
            brand=brand, uploaded_by=request.user, data=data, is_json=is_json
        )
        return Response(
            DeliveryImportOutputSerializer(
                {
                    "brand": brand.code,
                    "lines": result.lines,
                    "added": result.added,
                    "already": result.already,
                }
            ).data
        )
