from __future__ import annotations

from django.urls import path, register_converter

from suishin.meetings import views

app_name = "meetings"


class _Format:
    regex = "html|pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _Direction:
    regex = "up|down"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "docfmt")
register_converter(_Direction, "direction")

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/<int:fiscal_year>.ics", views.fiscal_year_ics, name="fiscal_year_ics"),
    path("new/", views.meeting_edit, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("<int:pk>/copy-agenda/", views.agenda_copy, name="agenda_copy"),
    path("<int:pk>/document.<docfmt:fmt>", views.meeting_document, name="meeting_document"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:meeting_pk>/sections/new/", views.section_edit, name="section_create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/move/<direction:direction>/", views.section_move, name="section_move"),
    path("sections/<int:section_pk>/items/new/", views.item_edit, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/move/<direction:direction>/", views.item_move, name="item_move"),
    path("sessions/new/", views.session_edit, name="session_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("schedule/new/", views.entry_edit, name="entry_create"),
    path("schedule/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("schedule/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/copy/", views.policy_copy, name="policy_copy"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
]
