from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "leitai.api"
    label = "api"
    verbose_name = "API"
