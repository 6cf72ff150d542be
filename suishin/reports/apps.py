from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "suishin.reports"
    label = "reports"
    verbose_name = "報告書"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.core import dataversion
        from suishin.reports import cli, commands, warm
        from suishin.reports import models as m

        dataversion.changed.connect(warm.schedule, dispatch_uid="suishin.reports.warm")

        # Definitions are council-wide text, not organisation data: scoped
        # users read them only through the report of their own scope.
        scoping.register(m.ReportDefinition, branch=None, member=None)
        scoping.register(m.ReportBlock, branch=None, member=None)
        commands.register_subcommand(
            "summary", cli.add_summary_arguments, cli.handle_summary, help="推進活動総括（上期・下期）を作成します。"
        )
