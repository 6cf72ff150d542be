from __future__ import annotations

from django.urls import path

from suishin.selfservice import views

app_name = "selfservice"

urlpatterns = [
    path("", views.index, name="index"),
    path("movements/", views.movement_list, name="movement_list"),
    path("movements/<int:pk>/delete/", views.movement_delete, name="movement_delete"),
    path("<str:code>/targets/", views.targets, name="targets"),
    path("<str:code>/movements/new/", views.movement_create, name="movement_create"),
]
