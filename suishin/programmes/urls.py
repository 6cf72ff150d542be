from __future__ import annotations

from django.urls import path

from suishin.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.index, name="index"),
    path("loans/", views.loans, name="loans"),
    path("refinancings/", views.refinancing_list, name="refinancing_list"),
    path("refinancings/new/", views.refinancing_create, name="refinancing_create"),
    path("refinancings/<int:pk>/delete/", views.refinancing_delete, name="refinancing_delete"),
    path("calculator/", views.calculator, name="calculator"),
    path("donations/", views.donation_list, name="donation_list"),
    path("recipients/", views.recipients, name="recipients"),
    path("recipients/new/", views.recipient_save, name="recipient_create"),
    path("recipients/<int:pk>/edit/", views.recipient_save, name="recipient_edit"),
    path("recipients/choices/add/", views.choice_add, name="choice_add"),
    path("recipients/choices/<int:pk>/delete/", views.choice_delete, name="choice_delete"),
    path("recipients/choices/copy/", views.choices_copy, name="choices_copy"),
    path("settings/", views.settings_page, name="settings"),
]
