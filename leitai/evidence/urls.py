from django.urls import URLPattern, URLResolver, path

from leitai.evidence import urls_daily
from leitai.evidence.views import honours, unit, vetoes

app_name = "evidence"

urlpatterns: list[URLPattern | URLResolver] = [
    path("units/<int:unit_id>/", unit.unit_honours, name="unit"),
    path("units/<int:unit_id>/vetoes", unit.unit_vetoes, name="unit_vetoes"),
    path("units/<int:unit_id>/honours/new", honours.honour_new, name="honour_new"),
    path("units/<int:unit_id>/vetoes/new", vetoes.veto_new, name="veto_new"),
    path("honours/queue", honours.queue, name="queue"),
    path("honours/<int:honour_id>/", honours.honour_detail, name="honour"),
    path("honours/<int:honour_id>/edit", honours.honour_edit, name="honour_edit"),
    path("honours/<int:honour_id>/file", honours.honour_file, name="honour_file"),
    path("honours/<int:honour_id>/verify", honours.honour_verify, name="honour_verify"),
    path("honours/<int:honour_id>/reject", honours.honour_reject, name="honour_reject"),
    path("vetoes/<int:veto_id>/lift", vetoes.veto_lift, name="veto_lift"),
    path("vetoes/<int:veto_id>/file", vetoes.veto_file, name="veto_file"),
    *urls_daily.urlpatterns,
]
