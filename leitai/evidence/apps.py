from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "leitai.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from leitai.evidence import audit
        from leitai.evidence.audit import daily as daily_audit
        from leitai.evidence.importing.register_daily import register as register_daily_import
        from leitai.evidence.importing.register_honours import register_honours_import

        audit.register()
        daily_audit.register()
        register_honours_import()
        register_daily_import()
