from django.urls import URLPattern, URLResolver

from leitai.evidence import urls_daily

app_name = "evidence"

urlpatterns: list[URLPattern | URLResolver] = [*urls_daily.urlpatterns]
