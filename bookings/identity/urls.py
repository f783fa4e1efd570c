from django.urls import path

from . import views

urlpatterns = [
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/phone/", views.PhoneView.as_view(), name="me-phone"),
    path("me/phone/verify/", views.PhoneVerifyView.as_view(), name="me-phone-verify"),
    path("me/email/", views.EmailView.as_view(), name="me-email"),
    path("me/email/verify/", views.EmailVerifyView.as_view(), name="me-email-verify"),
    path("vehicles/<int:pk>/verify/", views.VehicleVerifyView.as_view(), name="vehicle-verify"),
    path(
        "vehicles/<int:pk>/verify/confirm/",
        views.VehicleVerifyConfirmView.as_view(),
        name="vehicle-verify-confirm",
    ),
    path(
        "outlets/<slug:code>/vehicles/verify/",
        views.CounterVerifyView.as_view(),
        name="outlet-vehicle-verify",
    ),
]
