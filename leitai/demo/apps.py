from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "leitai.demo"
    label = "demo"
    verbose_name = "Demo"
