from django.urls import path

from leitai.arenas.views import host as views_host

urlpatterns = [
    path("", views_host.arena_list, name="list"),
    path("new", views_host.arena_create, name="create"),
    path("<int:arena_id>/", views_host.arena_detail, name="detail"),
    path("<int:arena_id>/console", views_host.console_page, name="console"),
    path("<int:arena_id>/judge-links", views_host.judge_links, name="judge_links"),
    path("<int:arena_id>/register", views_host.register, name="register"),
]
