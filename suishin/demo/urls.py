from __future__ import annotations

app_name = "demo"

urlpatterns: list = []
