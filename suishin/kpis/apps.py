from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "suishin.kpis"
    label = "kpis"
    verbose_name = "推進項目・目標・実績"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.kpis import models as m

        scoping.register(m.Item, branch=None, member=None)  # see Item: the catalog is public
        scoping.register(m.Target, branch="branch", member="member")
        scoping.register(m.Result, branch="branch", member="member")

        from suishin.kpis import providers, queries

        providers.register(
            "kpis.self_target_members",
            "会員自主目標の設定会員数",
            queries.self_target_members,
            trace_url=queries.self_target_members_trace_url,
        )
