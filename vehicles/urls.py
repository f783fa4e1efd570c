from django.urls import path

from . import views

urlpatterns = [
    path("brands/", views.BrandListView.as_view(), name="brand-list"),
    path("vehicle-models/", views.VehicleModelListView.as_view(), name="vehiclemodel-list"),
    path("vehicles/", views.VehicleListView.as_view(), name="vehicle-list"),
    path("vehicles/<int:pk>/", views.VehicleDetailView.as_view(), name="vehicle-detail"),
]
