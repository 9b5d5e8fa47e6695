"""The results page, its exports (.xlsx, the signed PDF score sheet) and the public results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from leitai.arenas.models import DrawState
from leitai.arenas.results import export
from leitai.arenas.results.tables import Audience, build_results
from leitai.arenas.services.draw import (
    LIST_FILE,
    ORDER_FILE,
    drawn_order_text,
    frozen_list_text,
)
from leitai.arenas.views.common import arena_or_404, visible_arena_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def results_page(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = visible_arena_or_404(request, arena_id)
    results = build_results(arena)
    return render(request, "arenas/results.html", {"arena": arena, "results": results})


@require_safe
@login_required
def results_xlsx(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = visible_arena_or_404(request, arena_id)
    content = export.results_workbook(build_results(arena))
    return _attachment(content, XLSX, export.filename(arena, "xlsx"))


@require_safe
@login_required
def scoresheet_pdf(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = visible_arena_or_404(request, arena_id)
    content = export.scoresheet_pdf(arena)
    return _attachment(content, "application/pdf", export.filename(arena, "pdf"))


@require_safe
def public_results(request: HttpRequest, arena_id: int) -> HttpResponse:
    arena = arena_or_404(arena_id)
    results = build_results(arena, audience=Audience.PUBLIC)
    return render(request, "arenas/public_results.html", {"arena": arena, "results": results})


@require_safe
def draw_file(request: HttpRequest, arena_id: int, name: str) -> HttpResponse:
    """The frozen list or the drawn order as a file that `leitai draw verify` reads as-is.

    Public from the step that makes it public: the list from the commitment on, the order once
    drawn (both are on the big screen at that moment)."""
    arena = arena_or_404(arena_id)
    if name == LIST_FILE and arena.draw_state != DrawState.NONE:
        text = frozen_list_text(arena)
    elif name == ORDER_FILE and arena.draw_state in (DrawState.DRAWN, DrawState.REVEALED):
        text = drawn_order_text(arena)
    else:
        raise Http404
    return _attachment(text.encode(), "text/plain; charset=utf-8", name)
