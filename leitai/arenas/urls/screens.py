"""Public screens (the projector and the public phone view) and the judges' phones."""

from django.urls import path

from leitai.arenas.views import judge as views_judge
from leitai.arenas.views import screens as views_screens

urlpatterns = [
    path("<int:arena_id>/screen", views_screens.screen_page, name="screen"),
    path("<int:arena_id>/live", views_screens.live_page, name="live"),
    path("<int:arena_id>/judge/", views_judge.judge_page, name="judge"),
]
