from __future__ import annotations

from django.urls import path

from suishin.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("build/", views.summary_job, name="summary_job"),
    path("narrative/<int:fiscal_year>/<int:half>/", views.narrative_edit, name="narrative_edit"),
    path("trace/", views.trace, name="trace"),
    path("chart/", views.chart, name="chart"),
]
