from django.urls import path, register_converter
from django.urls.converters import get_converters

from hima_service.converters import ReferenceConverter

from . import views

if "ref" not in get_converters():  # bookings.urls registers it too, whichever loads first
    register_converter(ReferenceConverter, "ref")

urlpatterns = [
    path("bookings/<ref:reference>/estimate/", views.EstimateView.as_view(), name="estimate"),
    path("bookings/<ref:reference>/estimate/send/", views.SendView.as_view()),
    path("bookings/<ref:reference>/estimate/<int:line>/approve/", views.ApproveView.as_view()),
    path("bookings/<ref:reference>/estimate/<int:line>/decline/", views.DeclineView.as_view()),
    path(
        "bookings/<ref:reference>/estimate/<int:line>/start-work/",
        views.StartWorkView.as_view(),
    ),
    path(
        "bookings/<ref:reference>/estimate/<int:line>/complete-work/",
        views.CompleteWorkView.as_view(),
    ),
    path("bookings/<ref:reference>/estimate/<int:line>/extend/", views.ExtendView.as_view()),
    path("estimate-links/<str:token>/", views.LinkView.as_view(), name="estimate-link"),
    path("bookings/<ref:reference>/settlement/", views.SettlementView.as_view()),
    # The booking's ready action, with the rule that it waits for the approved extra work.
    path("bookings/<ref:reference>/ready/", views.ReadyView.as_view()),
]
