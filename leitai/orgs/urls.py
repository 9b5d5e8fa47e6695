from django.urls import path

from leitai.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("search", views.search, name="search"),
    path("units/<segment:code>/", views.unit_detail, name="unit"),
    path("units/<segment:code>/children", views.children, name="children"),
    path("units/<segment:code>/export", views.export, name="export"),
    path("units/<segment:code>/facts", views.edit_facts, name="unit_facts"),
]
