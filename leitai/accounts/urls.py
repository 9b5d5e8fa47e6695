from django.urls import path
from django.views.generic import RedirectView

from leitai.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="users"),
    path("users/import", RedirectView.as_view(url="/imports/users/new"), name="import"),
    path("users/<segment:username>/", views.user_detail, name="user"),
    path(
        "users/<segment:username>/reset-password", views.user_reset_password, name="reset_password"
    ),
]
