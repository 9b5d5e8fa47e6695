from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "leitai.live"
    label = "live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        # The operators' check topic is the hub's own; other apps register theirs in ready().
        from leitai.live import checks

        checks.register_check_topic()
