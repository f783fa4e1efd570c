from django.urls import path

from . import views

urlpatterns = [
    path("recalls/", views.CampaignListView.as_view(), name="recall-list"),
    path("recalls/<slug:code>/", views.CampaignDetailView.as_view(), name="recall-detail"),
    path("recalls/<slug:code>/vins/", views.CampaignVinsView.as_view(), name="recall-vins"),
    # The vehicle endpoints are composed here, above vehicles, so that they carry each car's
    # open recalls while vehicles never imports recalls (docs/recalls.md).
    path("vehicles/", views.VehicleListView.as_view(), name="vehicle-list"),
    path("vehicles/<int:pk>/", views.VehicleDetailView.as_view(), name="vehicle-detail"),
]
