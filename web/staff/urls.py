"""The staff pages: the day's board, its actions and walk-ins, the counter's verification of an
owner, and the manager pages."""

from django.urls import path

from .actions import ACTIONS
from .views import board, inspection, manage, technicians, verify

urlpatterns = [
    path("staff/", board.staff_home, name="staff"),
    path("staff/board-poll/", board.board_poll, name="board-poll"),
    path("staff/<str:code>/", board.board, name="board"),
    path("staff/<str:code>/board/", board.board_fragment, name="board-fragment"),
    path("staff/<str:code>/walk-ins/", board.walk_in, name="walk-in"),
    path("staff/<str:code>/verify-owner/", verify.counter_verify, name="counter-verify"),
    path(
        "staff/<str:code>/<str:reference>/inspection/",
        inspection.inspection,
        name="staff-inspection",
    ),
    *(
        path(
            f"staff/<str:code>/<str:reference>/{action.slug}/",
            board.board_action,
            {"action": action.name},
            name=f"board-{action.slug}",
        )
        for action in ACTIONS
    ),
    path("staff/<str:code>/manage/hours/", manage.hours, name="staff-hours"),
    path("staff/<str:code>/manage/closures/", manage.closures, name="staff-closures"),
    path(
        "staff/<str:code>/manage/closures/remove/",
        manage.closure_remove,
        name="staff-closure-remove",
    ),
    path("staff/<str:code>/manage/bays/", manage.bays, name="staff-bays"),
    path("staff/<str:code>/manage/capacity/", manage.capacity, name="staff-capacity"),
    path("staff/<str:code>/manage/bays/<int:bay_id>/", manage.bay_edit, name="staff-bay"),
    path(
        "staff/<str:code>/manage/technicians/",
        technicians.technicians,
        name="staff-technicians",
    ),
    path(
        "staff/<str:code>/manage/technicians/add/",
        technicians.technician_add,
        name="staff-technician-add",
    ),
    path(
        "staff/<str:code>/manage/technicians/<int:technician_id>/",
        technicians.technician_edit,
        name="staff-technician",
    ),
    path(
        "staff/<str:code>/manage/technicians/<int:technician_id>/absences/",
        technicians.absence_add,
        name="staff-technician-absence",
    ),
    path(
        "staff/<str:code>/manage/technicians/<int:technician_id>/absences/remove/",
        technicians.absence_remove,
        name="staff-technician-absence-remove",
    ),
    path(
        "staff/<str:code>/manage/technicians/<int:technician_id>/active/",
        technicians.technician_active,
        name="staff-technician-active",
    ),
]
