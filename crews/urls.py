from django.urls import path

from . import views

urlpatterns = [
    path(
        "outlets/<slug:code>/technicians/",
        views.TechnicianListView.as_view(),
        name="outlet-technician-list",
    ),
    path(
        "outlets/<slug:code>/technicians/<int:technician_id>/",
        views.TechnicianDetailView.as_view(),
        name="outlet-technician-detail",
    ),
]
