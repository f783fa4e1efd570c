"""The owners' pages: their vehicles and their verification, finding an outlet, booking, and
their bookings."""

from django.urls import path

from .views import booking, my_bookings, outlets, vehicles, verify

urlpatterns = [
    path("account/phone/", verify.phone_verify, name="verify-phone"),
    path("account/email/", verify.email_verify, name="verify-email"),
    path("vehicles/", vehicles.vehicle_list, name="vehicles"),
    path("vehicles/add/", vehicles.vehicle_add, name="vehicle-add"),
    path("vehicles/<int:pk>/edit/", vehicles.vehicle_edit, name="vehicle-edit"),
    path("vehicles/<int:pk>/verify/", verify.vehicle_verify, name="vehicle-verify"),
    path("outlets/", outlets.outlet_search, name="outlets"),
    path("outlets/<str:code>/", outlets.outlet_page, name="outlet"),
    path("outlets/<str:code>/book/", booking.pick_time, name="pick"),
    path("outlets/<str:code>/book/confirm/", booking.confirm, name="confirm"),
    path("bookings/", my_bookings.my_bookings, name="bookings"),
    path("bookings/<str:reference>/", my_bookings.booking_detail, name="booking"),
    path(
        "bookings/<str:reference>/reschedule/",
        my_bookings.booking_reschedule_page,
        name="reschedule",
    ),
    path("bookings/<str:reference>/cancel/", my_bookings.booking_cancel_action, name="cancel"),
    path("bookings/<str:reference>/rate/", my_bookings.booking_rate, name="rate"),
    path("bookings/<str:reference>/calendar.ics", my_bookings.booking_calendar, name="calendar"),
]
