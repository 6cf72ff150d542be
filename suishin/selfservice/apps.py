from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "suishin.selfservice"
    label = "selfservice"
    verbose_name = "会員自主目標・運動報告"
