from __future__ import annotations

from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "suishin.selfservice"
    label = "selfservice"
    verbose_name = "会員自主目標・運動報告"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.kpis import providers as kpi_providers
        from suishin.selfservice import models as m
        from suishin.selfservice import providers

        scoping.register(m.MovementReport, branch="member__branch", member="member")
        kpi_providers.register(
            "selfservice.movement",
            "運動報告の会員数（:policy / :newsletter / :committee / :other / :publish）",
            providers.movement_members,
            trace_url=providers.movement_trace_url,
        )
