"""A database too busy to answer in time: 503 with Retry-After, never a bare 500.

Two causes, both passing: SQLite's write lock held past the busy timeout by another process
(several `leitai serve` processes on one SQLite file under a heavy write load), and every pooled
PostgreSQL connection lent out past DATABASE_POOL_TIMEOUT. The request changed nothing (its
transaction rolled back), so the client may simply send it again: the judge's phone keeps a sheet
in its outbox and retries; an API client gets a code and a message; a page gets a page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from leitai.core.refusals import RefusalCode, refusal_body

RETRY_AFTER_SECONDS = 2


def is_busy(error: BaseException) -> bool:
    if isinstance(error, OperationalError) and "database is locked" in str(error):
        return True
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # pragma: no cover - installed with psycopg[pool]
        return False
    return isinstance(error, PoolTimeout) or isinstance(error.__cause__, PoolTimeout)


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            detail = _("The server is busy. Nothing was changed; try again.")
            response = JsonResponse(refusal_body(RefusalCode.BUSY, detail), status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
