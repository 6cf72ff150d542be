from __future__ import annotations

from django.urls import path

from suishin.core import job_views

app_name = "jobs"

urlpatterns = [
    path("<uuid:job_id>/", job_views.detail, name="detail"),
    path("<uuid:job_id>/status.json", job_views.status, name="status"),
    path("<uuid:job_id>/download/", job_views.download, name="download"),
]
