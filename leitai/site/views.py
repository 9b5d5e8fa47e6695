from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from leitai.accounts import permissions
from leitai.core.refusals import RefusalCode, refusal_body
from leitai.core.workdays.access import can_edit_calendar
from leitai.core.workdays.period import BEIJING
from leitai.core.workdays.store import years_to_enter
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
    calendar = can_edit_calendar(request.user)
    return render(
        request,
        "site/home.html",
        {
            "roles": roles,
            "is_superuser": permissions.is_superuser(request.user),
            "calendar": calendar,
            # Reminds the organisers before a notice period is refused for a year not entered.
            "years_to_enter": years_to_enter(timezone.now().astimezone(BEIJING).date())
            if calendar
            else [],
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF) in Leitai's layout and language, not Django's raw debugging page.

    Django's `reason` is for developers and in English: it goes to the log, not to the page.
    """
    logger.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path no route matches: the page in Leitai's layout, or under /api/ the API's one refusal
    body (a client reading JSON never gets a page), as an API route's own 404 gives it."""
    if request.path.startswith("/api/"):
        detail = _("Not found here (or not yours to see).")
        body = refusal_body(RefusalCode.NOT_FOUND, detail)
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
