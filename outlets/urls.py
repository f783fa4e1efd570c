from django.urls import path

from . import views

urlpatterns = [
    path("service-types/", views.ServiceTypeListView.as_view(), name="servicetype-list"),
    path("outlets/", views.OutletListView.as_view(), name="outlet-list"),
    path("outlets/<slug:code>/", views.OutletDetailView.as_view(), name="outlet-detail"),
    path("outlets/<slug:code>/hours/", views.OutletHoursView.as_view(), name="outlet-hours"),
    path(
        "outlets/<slug:code>/closures/",
        views.OutletClosureListView.as_view(),
        name="outlet-closure-list",
    ),
    path(
        "outlets/<slug:code>/closures/<str:day>/",
        views.OutletClosureDetailView.as_view(),
        name="outlet-closure-detail",
    ),
    path("outlets/<slug:code>/bays/", views.OutletBayListView.as_view(), name="outlet-bay-list"),
    path(
        "outlets/<slug:code>/bays/<int:bay_id>/",
        views.OutletBayDetailView.as_view(),
        name="outlet-bay-detail",
    ),
]
