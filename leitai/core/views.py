from __future__ import annotations

from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

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
