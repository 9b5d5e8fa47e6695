from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "leitai.site"
    label = "site"
    verbose_name = "Site"
