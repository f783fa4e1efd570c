"""The brand admins' audit dashboard (included from web.urls)."""

from django.urls import path

from .views import dashboard, recalls

urlpatterns = [
    path("dashboard/", dashboard.overview, name="dashboard"),
    path("dashboard/equity/", dashboard.equity, name="dashboard-equity"),
    path(
        "dashboard/waits.csv", dashboard.chart_csv, {"chart": "waits"}, name="dashboard-waits-csv"
    ),
    path(
        "dashboard/weekly.csv",
        dashboard.chart_csv,
        {"chart": "weekly"},
        name="dashboard-weekly-csv",
    ),
    path(
        "dashboard/outlets/<str:code>/bookings/",
        dashboard.figure_bookings,
        name="dashboard-bookings",
    ),
    path("dashboard/recalls/", recalls.recall_list, name="recalls"),
    path("dashboard/recalls/new/", recalls.recall_new, name="recall-new"),
    path("dashboard/recalls/<str:code>/", recalls.recall_detail, name="recall"),
    path("dashboard/recalls/<str:code>/vins/", recalls.recall_upload, name="recall-upload"),
]
