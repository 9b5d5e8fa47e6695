from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "leitai.core"
    label = "core"
    verbose_name = "Leitai"

    def ready(self) -> None:
        from django.urls import register_converter

        from leitai.core.converters import SegmentConverter
        from leitai.core.topics import register

        register()
        # Before any app's URL configuration is loaded: they use <segment:…> for imported keys.
        register_converter(SegmentConverter, "segment")
