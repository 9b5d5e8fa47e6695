"""The HTTP API (django-ninja), its OpenAPI schema at /api/openapi.json and docs at /api/docs.

Signed-in sessions authenticate; anonymous requests get 401. Objects outside the caller's scope
answer 404 exactly as the pages do (the same permission module decides).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from leitai.arenas.api import judge_router
from leitai.arenas.api import router as arenas_router
from leitai.arenas.errors import ArenaRefusal
from leitai.orgs.api import router as orgs_router

api = NinjaAPI(
    title="Leitai API",
    version="1",
    description="Organisation tree, arenas, scoring and results of a Leitai installation.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/orgs", orgs_router)
api.add_router("/arenas", arenas_router)
api.add_router("/judge", judge_router)


@api.exception_handler(ArenaRefusal)
def arena_refusal(request: HttpRequest, error: ArenaRefusal) -> HttpResponse:
    return api.create_response(request, error.as_json(), status=error.status)
