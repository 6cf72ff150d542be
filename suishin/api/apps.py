from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "suishin.api"
    label = "api"
    verbose_name = "API"
