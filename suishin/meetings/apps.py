from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "suishin.meetings"
    label = "meetings"
    verbose_name = "会議・日程"
