from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "leitai.site"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from leitai.core.workdays import audit

        # The organisers' holiday table (core) on the ledger. Registered here, after the arenas
        # and evidence apps, because the first kind registered is the default of
        # `leitai ledger export 12` (an arena), and core's own ready() runs before theirs.
        audit.register()
