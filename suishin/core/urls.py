from __future__ import annotations

from django.urls import path

from suishin.core import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.audit_list, name="index"),
    path("<int:pk>/", audit_views.audit_detail, name="detail"),
]
