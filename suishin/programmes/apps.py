from __future__ import annotations

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "suishin.programmes"
    label = "programmes"
    verbose_name = "寄付・可処分所得・ローン"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.kpis import providers
        from suishin.programmes import models as m
        from suishin.programmes import report
        from suishin.programmes.queries import refinancing_figure, refinancing_trace_url

        # A committee's choices belong to its branch, and a branch user sees the
        # recipients its committee chose; member officers see no committee's
        # choices. Refinancing records belong to their member (council-level
        # bank rows: unscoped roles only).
        scoping.register(m.DonationRecipient, branch="choices__branch", member=None, distinct=True)
        scoping.register(m.RecipientChoice, branch="branch", member=None)
        scoping.register(m.Refinancing, branch="branch", member="member")
        providers.register(
            "programmes.refinancing", "借換実績（可処分所得向上額）", refinancing_figure, trace_url=refinancing_trace_url
        )
        report.register()
