from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "leitai.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from leitai.orgs import audit
        from leitai.orgs.registration import register

        register()
        audit.register()
