from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "suishin.accounts"
    label = "accounts"
    verbose_name = "利用者"
