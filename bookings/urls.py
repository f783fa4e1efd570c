from django.urls import path, register_converter

from hima_service.converters import ReferenceConverter

from . import action_views, views
from .availability import views as availability_views

register_converter(ReferenceConverter, "ref")

urlpatterns = [
    path("bookings/", views.BookingListView.as_view(), name="booking-list"),
    path("bookings/<ref:reference>/", views.BookingDetailView.as_view(), name="booking-detail"),
    path("bookings/<ref:reference>/reschedule/", action_views.RescheduleView.as_view()),
    path("bookings/<ref:reference>/cancel/", action_views.CancelView.as_view()),
    path("bookings/<ref:reference>/check-in/", action_views.CheckInView.as_view()),
    path("bookings/<ref:reference>/start/", action_views.StartView.as_view()),
    # POST …/ready/ is served by estimates (ready waits for the approved extra work).
    path("bookings/<ref:reference>/complete/", action_views.CompleteView.as_view()),
    path("bookings/<ref:reference>/no-show/", action_views.NoShowView.as_view()),
    path("bookings/<ref:reference>/feedback/", action_views.FeedbackView.as_view()),
    path(
        "bookings/<ref:reference>/calendar.ics",
        views.CalendarView.as_view(),
        name="booking-calendar",
    ),
    path(
        "outlets/<slug:code>/availability/",
        availability_views.OutletAvailabilityView.as_view(),
        name="outlet-availability",
    ),
    path(
        "availability/",
        availability_views.NetworkAvailabilityView.as_view(),
        name="network-availability",
    ),
    path("outlets/<slug:code>/queue/", views.QueueView.as_view(), name="outlet-queue"),
    path("outlets/<slug:code>/walk-ins/", views.WalkInView.as_view(), name="outlet-walk-ins"),
]
