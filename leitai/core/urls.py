from django.urls import path

from leitai.core import import_views, views
from leitai.core.workdays import views as calendar_views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("imports/<uuid:job_id>/", import_views.job_page, name="import_job"),
    path("imports/<uuid:job_id>/confirm", import_views.job_confirm, name="import_confirm"),
    path("imports/<uuid:job_id>/cancel", import_views.job_cancel, name="import_cancel"),
    path("imports/<uuid:job_id>/errors.xlsx", import_views.job_errors, name="import_errors"),
    path("imports/<slug:kind_key>/new", import_views.upload, name="import_upload"),
    path("imports/<slug:kind_key>/template.xlsx", import_views.template, name="import_template"),
    path("calendar/", calendar_views.calendar_years, name="calendar_years"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
]
