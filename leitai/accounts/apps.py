from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "leitai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from leitai.accounts.permissions import is_organiser
        from leitai.accounts.registration import register
        from leitai.live.permissions import set_operator_rule

        register()
        # Organisers operate the live hub (its figures, check messages); live knows no role.
        set_operator_rule(is_organiser)
