from django.urls import path

from . import delivery_views, views

urlpatterns = [
    path("brands/", views.BrandListView.as_view(), name="brand-list"),
    path("vehicle-models/", views.VehicleModelListView.as_view(), name="vehiclemodel-list"),
    path(
        "delivery-records/",
        delivery_views.DeliveryRecordsView.as_view(),
        name="delivery-records",
    ),
    # vehicles/ and vehicles/<id>/ are routed by recalls/urls.py: the same views (subclassed)
    # with each car's open recalls added by the app that knows them (docs/recalls.md).
]
