"""The daily data's routes, included by the evidence app's URL configuration."""

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from leitai.evidence.views import daily

urlpatterns: list[URLPattern] = [
    path("units/<int:unit_id>/daily/", daily.unit_daily, name="unit_daily"),
    path("daily/", daily.daily_overview, name="daily_overview"),
    path("daily/no-records/", daily.daily_no_records, name="daily_no_records"),
    path("daily/import", RedirectView.as_view(url="/imports/daily/new"), name="daily_import"),
]
