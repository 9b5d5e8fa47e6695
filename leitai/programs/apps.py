from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "leitai.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from leitai.programs import audit

        audit.register()
