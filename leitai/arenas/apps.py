from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArenasConfig(AppConfig):
    name = "leitai.arenas"
    label = "arenas"
    verbose_name = _("Arena contests")

    def ready(self) -> None:
        from leitai.arenas import audit
        from leitai.arenas.publish import follow_changes
        from leitai.arenas.topics import register

        register()
        follow_changes()
        audit.register()

