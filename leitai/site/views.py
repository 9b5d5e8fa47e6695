from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leitai.accounts import permissions
from leitai.orgs.models import Unit

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: the user's roles and the units they reach from there."""
    grants = permissions.grants_of(request.user)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[g.unit_id for g in grants])}
    roles: list[dict[str, Any]] = [
        {"grant": g, "unit": units[g.unit_id], "role": g.role} for g in grants if g.unit_id in units
    ]
    roles.sort(key=lambda r: (r["unit"].path, r["role"]))
    return render(
        request,
        "site/home.html",
        {"roles": roles, "is_superuser": permissions.is_superuser(request.user)},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF) in Leitai's layout and language, not Django's raw debugging page.

    Django's `reason` is for developers and in English: it goes to the log, not to the page.
    """
    logger.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
