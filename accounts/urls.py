from django.urls import path

from . import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    # GET, PATCH and DELETE /me/ are served by privacy (erasing reaches every app above).
    path("me/password/", views.PasswordChangeView.as_view(), name="me-password"),
]
