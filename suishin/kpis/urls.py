from __future__ import annotations

app_name = "kpis"

urlpatterns: list = []
