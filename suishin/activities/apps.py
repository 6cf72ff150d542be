from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "suishin.activities"
    label = "activities"
    verbose_name = "学習会・職域活動費"
