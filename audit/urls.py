from django.urls import path

from . import views

urlpatterns = [
    path("outlets/", views.OutletAuditView.as_view(), name="audit-outlets"),
    path(
        "outlets/<slug:code>/bookings/",
        views.AuditBookingsView.as_view(),
        name="audit-outlet-bookings",
    ),
    path("equity/", views.EquityAuditView.as_view(), name="audit-equity"),
    path("crews/", views.CrewAuditView.as_view(), name="audit-crews"),
]
