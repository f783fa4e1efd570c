from django.urls import path, register_converter
from django.urls.converters import get_converters

from hima_service.converters import ReferenceConverter

from . import views

if "ref" not in get_converters():  # bookings.urls registers it too, whichever loads first
    register_converter(ReferenceConverter, "ref")

urlpatterns = [
    path(
        "bookings/<ref:reference>/inspection/",
        views.InspectionView.as_view(),
        name="booking-inspection",
    ),
    path("photos/<uuid:key>/", views.PhotoView.as_view(), name="workshop-photo"),
    path(
        "photos/<uuid:key>/thumbnail/",
        views.PhotoThumbnailView.as_view(),
        name="workshop-photo-thumbnail",
    ),
]
