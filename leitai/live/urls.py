from django.urls import path

from leitai.live import views

app_name = "live"

urlpatterns = [
    path("", views.status, name="status"),
    path("check/", views.check_page, name="check"),
    path("check/send", views.send_check, name="send_check"),
]
