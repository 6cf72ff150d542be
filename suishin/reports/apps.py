from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "suishin.reports"
    label = "reports"
    verbose_name = "報告書"
