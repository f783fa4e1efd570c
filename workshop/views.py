"""The inspection over the API, and the photos streamed to those who may see them."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import access

from .models import Angle
from .selectors import booking_for_inspection, inspection_of, photo_for_reader
from .serializers import InspectionInputSerializer, InspectionOutputSerializer
from .services import DamageInput, ViewInput, inspection_record

# A photo never changes under its key (a replaced one is a new photo); only the reader's own
# browser may keep it, never a shared cache.
PHOTO_CACHE_CONTROL = "private, max-age=3600"


class InspectionView(APIView):
    """The booking's check-in inspection: its owner reads it, the outlet's staff record it."""

    not_found_for_others = True

    @extend_schema(responses={200: InspectionOutputSerializer}, summary="Read the inspection")
    def get(self, request, reference: str):
        booking = booking_for_inspection(user=request.user, reference=reference)
        inspection = inspection_of(booking)
        if inspection is None:
            raise NotFound(_("No inspection has been recorded for this booking yet."))
        return Response(InspectionOutputSerializer(inspection).data)

    @extend_schema(
        request={"multipart/form-data": InspectionInputSerializer},
        responses={200: InspectionOutputSerializer, 201: InspectionOutputSerializer},
        summary="Record or update the inspection (staff)",
    )
    def post(self, request, reference: str):
        booking = booking_for_inspection(user=request.user, reference=reference)
        if not access.may_run(request.user, booking):
            raise PermissionDenied(_("Only the outlet's staff record the inspection."))
        serializer = InspectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = inspection_of(booking) is not None
        inspection = inspection_record(
            booking=booking,
            actor=request.user,
            odometer_km=data["odometer_km"],
            state_of_charge=data["state_of_charge"],
            views=views_from(data),
            damage=damage_from(data),
        )
        return Response(
            InspectionOutputSerializer(inspection).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def views_from(data: dict) -> dict[str, ViewInput]:
    """The walk-around views the input names, by field (`front_note`, `front_photo`...)."""
    views = {}
    for angle in Angle.values:
        note, photo = data.get(f"{angle}_note"), data.get(f"{angle}_photo")
        if note is not None or photo is not None:
            views[angle] = ViewInput(note=note, photo=photo)
    return views


def damage_from(data: dict) -> DamageInput | None:
    """A damage mark to add, when any of its fields is filled in."""
    location = data.get("damage_location") or ""
    note = data.get("damage_note") or ""
    photo = data.get("damage_photo")
    if not (location.strip() or note.strip() or photo):
        return None
    return DamageInput(location=location, note=note, photo=photo)


class PhotoView(APIView):
    """One photo, streamed from storage (never a public media URL), to the booking's owner and
    the outlet's staff; anyone else gets 404."""

    variant = "image"
    not_found_for_others = True
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # Errors are JSON whatever an <img> asked for: an Accept of image/* is no reason for 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY}, summary="A photo (JPEG)")
    def get(self, request, key):
        photo = photo_for_reader(user=request.user, key=key)
        stored = getattr(photo, self.variant)
        response = FileResponse(stored.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = PHOTO_CACHE_CONTROL
        response["Content-Disposition"] = "inline"
        return response


class PhotoThumbnailView(PhotoView):
    variant = "thumbnail"

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY}, summary="A photo's thumbnail"
    )
    def get(self, request, key):
        return super().get(request, key)
