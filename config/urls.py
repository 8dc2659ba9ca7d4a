from django.contrib import admin
from django.urls import include, path

from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("", include("ops.urls")),
    path("", include("bounty.urls")),
    path("accounts/", include("accounts.urls")),
    path("review/", include("review.urls")),
    path("documents/", include("documents.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/ocds/", include("opendata.urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/api-tokens/", include("api.urls_web")),
    path("accounts/two-factor/", include("security.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "ops.views.server_error"
