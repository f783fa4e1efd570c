"""The brand admins' pages: the audit dashboard, recall campaigns, delivery records."""

from django.urls import path

from .views import crews, delivery_records, overview, recalls

urlpatterns = [
    path("dashboard/", overview.overview, name="dashboard"),
    path("dashboard/equity/", overview.equity, name="dashboard-equity"),
    path("dashboard/crews/", crews.crews, name="dashboard-crews"),
    path("dashboard/waits.csv", overview.chart_csv, {"chart": "waits"}, name="dashboard-waits-csv"),
    path(
        "dashboard/weekly.csv",
        overview.chart_csv,
        {"chart": "weekly"},
        name="dashboard-weekly-csv",
    ),
    path(
        "dashboard/outlets/<str:code>/bookings/",
        overview.figure_bookings,
        name="dashboard-bookings",
    ),
    path(
        "dashboard/delivery-records/",
        delivery_records.delivery_records,
        name="delivery-records",
    ),
    path("dashboard/recalls/", recalls.recall_list, name="recalls"),
    path("dashboard/recalls/new/", recalls.recall_new, name="recall-new"),
    path("dashboard/recalls/<str:code>/", recalls.recall_detail, name="recall"),
    path("dashboard/recalls/<str:code>/vins/", recalls.recall_upload, name="recall-upload"),
]
