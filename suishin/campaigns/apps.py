from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "suishin.campaigns"
    label = "campaigns"
    verbose_name = "キャンペーン・抽選"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.campaigns import models as m

        # Entries, personal data and draws are council-level records with no
        # branch or member: scoped roles (branch, member) see none of them.
        # Campaign definitions themselves are council-wide metadata (like the
        # item catalog); views read them for every VIEW_CAMPAIGNS role, and the
        # figures shown inside are scoped by kpis scope rules.
        scoping.register(m.Campaign, branch=None, member=None)
        scoping.register(m.Entry, branch=None, member=None)
        scoping.register(m.EntrantPersonalData, branch=None, member=None)
        scoping.register(m.Draw, branch=None, member=None)
        scoping.register(m.DrawWinner, branch=None, member=None)
        self._register_report_section()

    def _register_report_section(self) -> None:
        """The summary report's キャンペーン実績 section, when the report engine exists."""
        import importlib

        try:
            importlib.import_module("suishin.campaigns.report")
        except ModuleNotFoundError as exc:
            if exc.name not in ("suishin.reports.sections", "suishin.campaigns.report"):
                raise
