from __future__ import annotations

from django.urls import path

from suishin.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"
    ),
    path("queue/", views.queue, name="queue"),
    path("budget/", views.budget, name="budget"),
    path("summary/", views.summary, name="summary"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/years/new/", views.year_setting_edit, name="year_setting_create"),
    path("settings/years/<int:fiscal_year>/", views.year_setting_edit, name="year_setting_edit"),
    path("settings/themes/new/", views.theme_edit, name="theme_create"),
    path("settings/themes/<int:pk>/", views.theme_edit, name="theme_edit"),
    path("settings/purposes/new/", views.purpose_edit, name="purpose_create"),
    path("settings/purposes/<int:pk>/", views.purpose_edit, name="purpose_edit"),
]
