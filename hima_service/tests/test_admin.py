import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "hima_service",
    "accounts",
    "vehicles",
    "outlets",
    "pricing",
    "recalls",
    "crews",
    "bookings",
    "workshop",
    "estimates",
]
MODELS = [
    model
    for label in PROJECT_APPS
    for model in apps.get_app_config(label).get_models()
    if not model._meta.auto_created
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin_with_a_working_search(model, admin_client):
    assert admin.site.is_registered(model)
    model_admin = admin.site._registry[model]
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    response = admin_client.get(url, {"q": "x"} if model_admin.search_fields else {})
    assert response.status_code == 200
