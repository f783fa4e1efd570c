from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .views import healthz

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("vehicles.urls")),
    path("", include("outlets.urls")),
    path("", include("bookings.urls")),
    path("audit/", include("audit.urls")),
]

urlpatterns = [
    # Until the web pages land, the front door is the browsable API documentation.
    path("", RedirectView.as_view(pattern_name="api-docs", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "hima_service.api.not_found"
handler500 = "hima_service.api.server_error"
