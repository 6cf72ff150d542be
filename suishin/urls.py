from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from suishin.core import views as core_views

admin.site.site_header = "suishin 管理画面"
admin.site.site_title = "suishin"
admin.site.index_title = "管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("suishin.accounts.urls")),
    path("organisations/", include("suishin.organisations.urls")),
    path("kpis/", include("suishin.kpis.urls")),
    path("imports/", include("suishin.imports.urls")),
    path("reports/", include("suishin.reports.urls")),
    path("programmes/", include("suishin.programmes.urls")),
    path("activities/", include("suishin.activities.urls")),
    path("campaigns/", include("suishin.campaigns.urls")),
    path("meetings/", include("suishin.meetings.urls")),
    path("self/", include("suishin.selfservice.urls")),
    path("api/", include("suishin.api.urls")),
    path("audit/", include("suishin.core.urls")),
    path("jobs/", include("suishin.core.job_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "suishin.core.views.bad_request"
handler403 = "suishin.core.views.permission_denied"
handler404 = "suishin.core.views.page_not_found"
handler500 = "suishin.core.views.server_error"
