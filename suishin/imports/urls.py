from __future__ import annotations

from django.urls import path, re_path

from suishin.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/rollback/", views.rollback, name="rollback"),
    path("batches/<int:pk>/download/", views.download, name="download"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/apply/", views.apply, name="apply"),
    re_path(r"^(?P<kind>[-\w]+)/sample\.(?P<fmt>csv|xlsx)$", views.sample, name="sample"),
]
