"""Who may call the API, and who may read its documentation.

A signed-in session authenticates (the pages' own fetches); its unsafe requests must carry the
CSRF token. An anonymous request is answered 401 before any CSRF check: with no session there is
nothing to forge, and a client told "CSRF failed" would look for the wrong fix.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from leitai.core.refusals import ApiRefusal, RefusalCode, refusal_body, sign_in_first


class SessionAuth(NinjaSessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # authenticate() refuses: 401
        csrf_exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not csrf_exempt and check_csrf(request) is not None:
            raise ApiRefusal(
                HTTPStatus.FORBIDDEN,
                RefusalCode.CSRF_FAILED,
                _("The request has no valid CSRF token (send it in the X-CSRFToken header)."),
            )
        return request.COOKIES.get(self.param_name)


signed_in = SessionAuth()


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its docs page, for signed-in users only unless LEITAI_API_DOCS_PUBLIC:
    they map every endpoint, which is no business of an anonymous visitor of a venue's LAN.
    The page sends a visitor to sign in; the schema (read by programs) answers 401."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.resolver_match is not None and request.resolver_match.url_name == "openapi-json":
            body = refusal_body(RefusalCode.NOT_SIGNED_IN, sign_in_first())
            return JsonResponse(body, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded
