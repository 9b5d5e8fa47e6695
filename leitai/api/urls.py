"""The HTTP API (django-ninja), its OpenAPI schema at /api/openapi.json and docs at /api/docs.

Signed-in sessions authenticate; anonymous requests get 401. Objects outside the caller's scope
answer 404 exactly as the pages do (the same permission module decides).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from leitai.orgs.api import router as orgs_router

api = NinjaAPI(
    title="Leitai API",
    version="1",
    description="Organisation tree, arenas, scoring and results of a Leitai installation.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/orgs", orgs_router)
