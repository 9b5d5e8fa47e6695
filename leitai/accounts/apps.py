from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "leitai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from leitai.accounts.registration import register

        register()
