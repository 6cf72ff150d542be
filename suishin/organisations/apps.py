from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "suishin.organisations"
    label = "organisations"
    verbose_name = "組織"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.organisations import models as m

        scoping.register(m.Block, branch="branches", member="branches__members", distinct=True)
        scoping.register(m.Branch, branch="pk", member="members", distinct=True)
        scoping.register(m.Member, branch="branch", member="pk")
        scoping.register(m.MemberHeadcount, branch="member__branch", member="member")
        scoping.register(m.WorkplaceCommittee, branch="member__branch", member="member")
