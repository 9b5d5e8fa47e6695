from django.urls import URLPattern, path

from leitai.programs import views

app_name = "programs"

urlpatterns: list[URLPattern] = [
    path("", views.programme_list, name="list"),
    path("<int:programme_id>/evidence", views.evidence_settings, name="evidence"),
]
