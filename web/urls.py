"""The pages, grouped by audience: what every visitor shares (account), owners, outlet staff,
brand admins (dashboard). Every URL name lives in the one `web` namespace."""

from .account.urls import urlpatterns as account_urlpatterns
from .dashboard.urls import urlpatterns as dashboard_urlpatterns
from .estimates.urls import urlpatterns as estimate_urlpatterns
from .owners.urls import urlpatterns as owner_urlpatterns
from .staff.urls import urlpatterns as staff_urlpatterns

app_name = "web"

urlpatterns: list = [
    *account_urlpatterns,
    *estimate_urlpatterns,
    *owner_urlpatterns,
    *staff_urlpatterns,
    *dashboard_urlpatterns,
]
