from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "suishin.activities"
    label = "activities"
    verbose_name = "学習会・職域活動費"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.activities import models as m
        from suishin.activities import queries
        from suishin.kpis import providers

        # Reference data (themes, purposes, yearly settings) belongs to no
        # organisation: pages read it directly; scoped roles see none of it
        # through visible().
        scoping.register(m.Theme, branch=None, member=None)
        scoping.register(m.Purpose, branch=None, member=None)
        scoping.register(m.YearSetting, branch=None, member=None)
        scoping.register(m.Application, branch="member__branch", member="member")
        scoping.register(
            m.ApplicationLine, branch="application__member__branch", member="application__member"
        )
        scoping.register(
            m.Transition, branch="application__member__branch", member="application__member"
        )
        scoping.register(m.StudySession, branch="member__branch", member="member")

        providers.register(
            "activities.sessions", "学習会（記録から集計）", queries.sessions_provider
        )
        providers.register(
            "activities.expenses",
            "職域活動費を活用した学習会（支払済み申請から集計）",
            queries.expenses_provider,
        )
        self._register_report_section()

    def _register_report_section(self) -> None:
        """The summary report's 職域活動費 section, when the report engine exists."""
        import importlib

        try:
            importlib.import_module("suishin.activities.report")
        except ModuleNotFoundError as exc:
            if exc.name not in ("suishin.reports.sections", "suishin.activities.report"):
                raise
