from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leitai.accounts import permissions, services, throttle
from leitai.accounts.forms import NewPasswordForm, SignInForm
from leitai.accounts.models import Membership, User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        throttle.clear_failures(self.request, form.cleaned_data.get("username") or "")
        return super().form_valid(form)


class AdminSignInView(SignInView):
    """The admin's sign-in is the main one, with its throttle: Django's own admin form would sign a
    superuser in while the main sign-in has the account locked, and counted no failures."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Staff go straight on; anyone else signed in would be sent back here by the admin, so
        # they see the form (with a note) to sign in with another account.
        self.redirect_authenticated_user = bool(
            request.user.is_authenticated and request.user.is_staff
        )
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("site:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _manageable_account(request: HttpRequest, username: str) -> User:
    """The account, or 404 when it does not exist or is not wholly in the organiser's scope."""
    if not permissions.can_manage_accounts(request.user):
        raise PermissionDenied
    return get_object_or_404(
        User.objects.filter(permissions.manageable_accounts_q(request.user)), username=username
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_accounts(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    users = User.objects.filter(permissions.manageable_accounts_q(request.user)).order_by(
        "username"
    )
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    memberships = Membership.objects.select_related("unit").order_by("unit__path", "role")
    users_on_page = (
        User.objects.filter(pk__in=[u.pk for u in page.object_list])
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("username")
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "users": users_on_page, "query": query},
    )


@login_required
@require_POST
def user_reset_password(request: HttpRequest, username: str) -> HttpResponse:
    user = _manageable_account(request, username)
    password = services.reset_password(user=user)
    return render(
        request, "accounts/password_reset_done.html", {"account": user, "password": password}
    )


@login_required
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    account = _manageable_account(request, username)
    memberships = account.memberships.select_related("unit").order_by("unit__path")
    return render(
        request, "accounts/user_detail.html", {"account": account, "memberships": memberships}
    )
