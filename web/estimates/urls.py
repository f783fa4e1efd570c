"""Extra work, settlement and the owner's timeline (estimates/)."""

from django.urls import path

from . import owner, staff

urlpatterns = [
    path("estimate/<str:token>/", owner.estimate_link, name="estimate-link"),
    path(
        "estimate/<str:token>/<int:line>/<str:decision>/",
        owner.estimate_decide,
        name="estimate-decide",
    ),
    path("bookings/<str:reference>/settlement/", owner.settlement_page, name="settlement"),
    path("bookings/<str:reference>/timeline/", owner.timeline_fragment, name="timeline"),
    path("timeline-poll/", owner.timeline_poll, name="timeline-poll"),
    path("staff/<str:code>/<str:reference>/estimate/", staff.staff_estimate, name="staff-estimate"),
    path(
        "staff/<str:code>/<str:reference>/estimate/send/",
        staff.staff_estimate_send,
        name="staff-estimate-send",
    ),
    path(
        "staff/<str:code>/<str:reference>/estimate/<int:line>/<str:action>/",
        staff.staff_estimate_line,
        name="staff-estimate-line",
    ),
]
