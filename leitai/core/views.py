from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leitai.accounts import permissions
from leitai.orgs.models import Unit

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page: the user's roles and the units they reach from there."""
    grants = permissions.grants_of(request.user)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[g.unit_id for g in grants])}
    roles = [
        {"grant": g, "unit": units[g.unit_id], "role": g.role} for g in grants if g.unit_id in units
    ]
    roles.sort(key=lambda r: (r["unit"].path, r["role"]))
    return render(
        request,
        "core/home.html",
        {"roles": roles, "is_superuser": permissions.is_superuser(request.user)},
    )


# The 擂 mark (16–64 px), drawn from Noto Sans CJK SC Bold. Browsers ask for /favicon.ico on
# every page whatever the pages link, so it is answered here, from memory, not by a redirect.
FAVICON = (Path(__file__).resolve().parent / "static" / "leitai" / "favicon.ico").read_bytes()


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the test fixture: the process is up and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF) in Leitai's layout and language, not Django's raw debugging page.

    Django's `reason` is for developers and in English: it goes to the log, not to the page.
    """
    logger.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
