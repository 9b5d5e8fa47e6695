"""The HTTP API (django-ninja), its OpenAPI schema at /api/openapi.json and docs at /api/docs.

Signed-in sessions authenticate; anonymous requests get 401. Objects outside the caller's scope
answer 404 exactly as the pages do (the same permission module decides). Every refusal has one
body, {"code", "detail", …}, documented on each operation (leitai.core.refusals).

The docs page is Swagger UI served from django-ninja's own static files (no CDN: a venue may have
no internet), to signed-in users unless LEITAI_API_DOCS_PUBLIC is set.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from leitai.api.auth import docs_access, signed_in
from leitai.arenas.api import judge_router
from leitai.arenas.api import router as arenas_router
from leitai.arenas.errors import ArenaRefusal
from leitai.core.refusals import install_handlers
from leitai.orgs.api import router as orgs_router

api = NinjaAPI(
    title="Leitai API",
    version="1",
    description="Organisation tree, arenas, scoring and results of a Leitai installation.",
    auth=signed_in,
    urls_namespace="api",
    # validatorUrl: Swagger UI would otherwise fetch a badge from an outside validator service.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_access,
)
api.add_router("/orgs", orgs_router)
api.add_router("/arenas", arenas_router)
api.add_router("/judge", judge_router)
install_handlers(api)


@api.exception_handler(ArenaRefusal)
def arena_refusal(request: HttpRequest, error: ArenaRefusal) -> HttpResponse:
    return api.create_response(request, error.as_json(), status=error.status)
