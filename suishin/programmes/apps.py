from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "suishin.programmes"
    label = "programmes"
    verbose_name = "寄付・可処分所得・ローン"
