from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "leitai.core"
    label = "core"
    verbose_name = "Leitai"

    def ready(self) -> None:
        from leitai.core.topics import register

        register()
