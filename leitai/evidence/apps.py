from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "leitai.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from leitai.evidence import audit
        from leitai.evidence.registration import register_honours_import

        audit.register()
        register_honours_import()
