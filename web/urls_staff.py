"""The staff pages: the day's board, its actions and walk-ins, and the manager pages."""

from django.urls import path

from .views import staff, staff_manage

urlpatterns = [
    path("staff/", staff.staff_home, name="staff"),
    path("staff/board-poll/", staff.board_poll, name="board-poll"),
    path("staff/<str:code>/", staff.board, name="board"),
    path("staff/<str:code>/board/", staff.board_fragment, name="board-fragment"),
    path("staff/<str:code>/walk-ins/", staff.walk_in, name="walk-in"),
    path("staff/<str:code>/<str:reference>/check-in/", staff.check_in, name="board-check-in"),
    path("staff/<str:code>/<str:reference>/start/", staff.start, name="board-start"),
    path("staff/<str:code>/<str:reference>/ready/", staff.ready, name="board-ready"),
    path("staff/<str:code>/<str:reference>/complete/", staff.complete, name="board-complete"),
    path("staff/<str:code>/<str:reference>/no-show/", staff.no_show, name="board-no-show"),
    path("staff/<str:code>/manage/hours/", staff_manage.hours, name="staff-hours"),
    path("staff/<str:code>/manage/closures/", staff_manage.closures, name="staff-closures"),
    path(
        "staff/<str:code>/manage/closures/remove/",
        staff_manage.closure_remove,
        name="staff-closure-remove",
    ),
    path("staff/<str:code>/manage/bays/", staff_manage.bays, name="staff-bays"),
    path("staff/<str:code>/manage/bays/<int:bay_id>/", staff_manage.bay_edit, name="staff-bay"),
]
