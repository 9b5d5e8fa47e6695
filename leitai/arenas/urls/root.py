"""Short root-level links: a judge's personal link /j/<token> (printed and in a QR code)."""

from django.urls import path

from leitai.arenas.views import judge as views_judge

urlpatterns = [
    path("j/<str:token>", views_judge.judge_landing, name="judge_landing"),
]
