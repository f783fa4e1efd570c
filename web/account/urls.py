"""The pages every visitor shares: home, the language, sign in and out, a new account, the
password (changed, or forgotten and set anew), one's own data."""

from django.urls import path

from .views import my_data, pages, recovery, session

urlpatterns = [
    path("", pages.home, name="home"),
    path("language/", pages.set_language, name="language"),
    path("sign-in/", session.sign_in, name="sign-in"),
    path("sign-out/", session.sign_out, name="sign-out"),
    path("create-account/", session.create_account, name="create-account"),
    path("password/", my_data.password_change, name="password"),
    path("password/forgot/", recovery.password_forgot, name="password-forgot"),
    path("password/reset/", recovery.password_reset, name="password-reset"),
    path("my-data/", my_data.my_data, name="my-data"),
    path("my-data/download/", my_data.my_data_download, name="my-data-download"),
    path("my-data/time-zone/", my_data.my_data_time_zone, name="my-data-time-zone"),
    path("my-data/messages/", my_data.my_data_messages, name="my-data-messages"),
    path("my-data/name/", my_data.my_data_name, name="my-data-name"),
    path("my-data/erase/", my_data.my_data_erase, name="my-data-erase"),
]
