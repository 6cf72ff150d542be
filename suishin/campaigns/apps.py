from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "suishin.campaigns"
    label = "campaigns"
    verbose_name = "キャンペーン・抽選"
