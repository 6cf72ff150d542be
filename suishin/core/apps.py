from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "suishin.core"
    label = "core"
    verbose_name = "共通"
