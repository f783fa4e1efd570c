from django.urls import path

from . import views

urlpatterns = [
    path("price-book/", views.PriceBookView.as_view(), name="price-book"),
]
