import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArenasConfig(AppConfig):
    name = "leitai.arenas"
    label = "arenas"
    verbose_name = _("Arena contests")

    def ready(self) -> None:
        from leitai.arenas import audit
        from leitai.arenas.live.publish import follow_changes
        from leitai.arenas.live.topics import register
        from leitai.live.warmup import register_warm_up

        register()
        follow_changes()
        register_warm_up("arenas", _load_scoring)
        audit.register()


def _load_scoring() -> None:
    """Loaded lazily elsewhere (management commands never need it), but a server will: the
    scoring core, so the first judge's sheet of the day does not wait for numpy's import."""
    importlib.import_module("leitai.arenas.panel")
    importlib.import_module("leitai.scoring.panel")
