"""The identity pages: verify a phone, a car, an owner at the counter; delivery records."""

from django.urls import path

from .views import identity

urlpatterns = [
    path("account/phone/", identity.phone_verify, name="verify-phone"),
    path("vehicles/<int:pk>/verify/", identity.vehicle_verify, name="vehicle-verify"),
    path("staff/<str:code>/verify-owner/", identity.counter_verify, name="counter-verify"),
    path("dashboard/delivery-records/", identity.delivery_records, name="delivery-records"),
]
