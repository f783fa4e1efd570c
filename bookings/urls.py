from django.urls import path

from . import api_availability, views

urlpatterns = [
    path("bookings/", views.BookingListView.as_view(), name="booking-list"),
    path("bookings/<str:reference>/", views.BookingDetailView.as_view(), name="booking-detail"),
    path("bookings/<str:reference>/reschedule/", views.RescheduleView.as_view()),
    path("bookings/<str:reference>/cancel/", views.CancelView.as_view()),
    path("bookings/<str:reference>/check-in/", views.CheckInView.as_view()),
    path("bookings/<str:reference>/start/", views.StartView.as_view()),
    path("bookings/<str:reference>/ready/", views.ReadyView.as_view()),
    path("bookings/<str:reference>/complete/", views.CompleteView.as_view()),
    path("bookings/<str:reference>/no-show/", views.NoShowView.as_view()),
    path("bookings/<str:reference>/feedback/", views.FeedbackView.as_view()),
    path(
        "bookings/<str:reference>/calendar.ics",
        views.CalendarView.as_view(),
        name="booking-calendar",
    ),
    path(
        "outlets/<slug:code>/availability/",
        api_availability.OutletAvailabilityView.as_view(),
        name="outlet-availability",
    ),
    path(
        "availability/",
        api_availability.NetworkAvailabilityView.as_view(),
        name="network-availability",
    ),
    path("outlets/<str:code>/queue/", views.QueueView.as_view(), name="outlet-queue"),
    path("outlets/<str:code>/walk-ins/", views.WalkInView.as_view(), name="outlet-walk-ins"),
]
