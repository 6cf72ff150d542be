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
