"""The brand admins' audit dashboard (included from web.urls)."""

from django.urls import path

from .views import dashboard

urlpatterns = [
    path("dashboard/", dashboard.overview, name="dashboard"),
    path("dashboard/equity/", dashboard.equity, name="dashboard-equity"),
    path(
        "dashboard/outlets/<str:code>/bookings/",
        dashboard.figure_bookings,
        name="dashboard-bookings",
    ),
]
