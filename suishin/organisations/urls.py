from __future__ import annotations

from django.urls import path

from suishin.organisations import views

app_name = "organisations"

urlpatterns = [
    path("blocks/", views.block_list, name="block_list"),
    path("blocks/new/", views.block_edit, name="block_create"),
    path("blocks/<int:pk>/", views.block_detail, name="block_detail"),
    path("blocks/<int:pk>/edit/", views.block_edit, name="block_edit"),
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/new/", views.branch_edit, name="branch_create"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_edit, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
]
