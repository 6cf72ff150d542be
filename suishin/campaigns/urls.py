from __future__ import annotations

from django.urls import path

from suishin.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="create"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/edit/", views.edit, name="edit"),
    path("<slug:code>/entries/", views.entries, name="entries"),
    path("<slug:code>/draws/<str:month>/", views.draw, name="draw"),
]
