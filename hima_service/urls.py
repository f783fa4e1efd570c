from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import healthz

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("", include("vehicles.urls")),
    path("", include("outlets.urls")),
    path("", include("pricing.urls")),
    path("", include("crews.urls")),
    path("", include("recalls.urls")),
    path("", include("bookings.urls")),
    path("", include("bookings.identity.urls")),
    path("", include("estimates.urls")),
    path("", include("workshop.urls")),  # after bookings.urls, which registers <ref:>
    path("audit/", include("audit.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: the docs work under the CSP (no inline JS).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("web.urls")),
]

handler400 = "hima_service.api.bad_request"
handler404 = "hima_service.api.not_found"
handler500 = "hima_service.api.server_error"
