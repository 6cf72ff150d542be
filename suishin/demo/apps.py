from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "suishin.demo"
    label = "demo"
    verbose_name = "デモ"
