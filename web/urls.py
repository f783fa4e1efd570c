from django.urls import include, path

from .urls_identity import urlpatterns as identity_urlpatterns
from .urls_staff import urlpatterns as staff_urlpatterns
from .views import account, booking, my_bookings, my_data, outlets, pages, vehicles

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("", include("web.urls_dashboard")),
    path("language/", pages.set_language, name="language"),
    path("sign-in/", account.sign_in, name="sign-in"),
    path("sign-out/", account.sign_out, name="sign-out"),
    path("create-account/", account.create_account, name="create-account"),
    path("password/", my_data.password_change, name="password"),
    path("my-data/", my_data.my_data, name="my-data"),
    path("my-data/download/", my_data.my_data_download, name="my-data-download"),
    path("my-data/erase/", my_data.my_data_erase, name="my-data-erase"),
    path("vehicles/", vehicles.vehicle_list, name="vehicles"),
    path("vehicles/add/", vehicles.vehicle_add, name="vehicle-add"),
    path("vehicles/<int:pk>/edit/", vehicles.vehicle_edit, name="vehicle-edit"),
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
    *identity_urlpatterns,
    *staff_urlpatterns,
]
