"""The inspection's input (multipart, for the photos) and its representation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Angle, DamageMark, Inspection, Photo, WalkAroundView


def photo_urls(photo: Photo) -> dict[str, str]:
    """Where the photo and its thumbnail are served, to those who may see them."""
    return {
        "url": reverse("workshop-photo", kwargs={"key": photo.key}),
        "thumbnail_url": reverse("workshop-photo-thumbnail", kwargs={"key": photo.key}),
    }


class PhotoOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["key", "url", "thumbnail_url", "width", "height", "created_at"]

    def get_url(self, photo: Photo) -> str:
        return photo_urls(photo)["url"]

    def get_thumbnail_url(self, photo: Photo) -> str:
        return photo_urls(photo)["thumbnail_url"]


class WalkAroundViewOutputSerializer(serializers.ModelSerializer):
    photo = PhotoOutputSerializer(allow_null=True)

    class Meta:
        model = WalkAroundView
        fields = ["angle", "note", "photo"]


class DamageMarkOutputSerializer(serializers.ModelSerializer):
    photo = PhotoOutputSerializer(allow_null=True)

    class Meta:
        model = DamageMark
        fields = ["id", "location", "note", "photo", "created_at"]


class InspectionOutputSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="booking.reference")
    views = serializers.SerializerMethodField()
    damage_marks = DamageMarkOutputSerializer(many=True)

    class Meta:
        model = Inspection
        fields = [
            "reference",
            "odometer_km",
            "state_of_charge",
            "views",
            "damage_marks",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def _views_in_order(inspection: Inspection) -> list[WalkAroundView]:
        order = {angle: index for index, angle in enumerate(Angle.values)}
        return sorted(inspection.views.all(), key=lambda view: order[view.angle])

    @extend_schema_field(WalkAroundViewOutputSerializer(many=True))
    def get_views(self, inspection: Inspection) -> list[dict]:
        return WalkAroundViewOutputSerializer(self._views_in_order(inspection), many=True).data


def _note() -> serializers.CharField:
    return serializers.CharField(max_length=500, required=False, allow_blank=True)


def _photo() -> serializers.FileField:
    return serializers.FileField(required=False, help_text=_("A photo: JPEG, PNG or WebP."))


class InspectionInputSerializer(serializers.Serializer):
    """Multipart: the readings, a note and a photo per walk-around view (each optional: an
    omitted one keeps what was recorded), and one damage mark to add."""

    odometer_km = serializers.IntegerField(min_value=0, max_value=5_000_000)
    state_of_charge = serializers.IntegerField(min_value=0, max_value=100)
    front_note, front_photo = _note(), _photo()
    rear_note, rear_photo = _note(), _photo()
    left_note, left_photo = _note(), _photo()
    right_note, right_photo = _note(), _photo()
    interior_note, interior_photo = _note(), _photo()
    dashboard_note, dashboard_photo = _note(), _photo()
    damage_location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    damage_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    damage_photo = serializers.FileField(required=False)
