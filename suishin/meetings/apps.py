from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "suishin.meetings"
    label = "meetings"
    verbose_name = "会議・日程"

    def ready(self) -> None:
        from suishin.accounts import scoping
        from suishin.meetings import models as m

        # Meetings, agendas, block sessions, the schedule and the policy are
        # council-wide public information with no branch or member: every role
        # holds Perm.VIEW_MEETINGS and reads all of them. They are registered
        # (like kpis.Item) so that the registry lists every model, but with no
        # paths, which means scoping.visible() would show scoped roles nothing;
        # therefore this app never filters them through visible(): its views
        # check Perm.VIEW_MEETINGS / Perm.EDIT_MEETINGS instead and read
        # through meetings.queries. Another app that lists them for a scoped
        # user must do the same, not call visible().
        for model in (
            m.Meeting,
            m.AgendaSection,
            m.AgendaItem,
            m.BlockSession,
            m.ScheduleEntry,
            m.Policy,
            m.PolicyNode,
        ):
            scoping.register(model, branch=None, member=None)

        # The summary report's sections and the `suishin report meeting` subcommand.
        from suishin.meetings import integration

        integration.register()
