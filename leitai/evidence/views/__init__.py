"""The evidence pages: a unit's evidence (honours, vetoes), entering and verifying honours, the
verification queue, the veto register. Every id is checked against the user's scope: a unit or
record outside it answers 404, an action the role may not take 403."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest

from leitai.evidence.models import Honour, Veto
from leitai.evidence.permissions import can_view_evidence
from leitai.orgs.models import Unit


def unit_in_scope(request: HttpRequest, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_view_evidence(request.user, unit):
        raise Http404
    return unit


def honour_in_scope(request: HttpRequest, honour_id: int) -> Honour:
    honour = (
        Honour.objects.select_related("unit", "entered_by", "edited_by", "verified_by")
        .filter(pk=honour_id)
        .first()
    )
    if honour is None or not can_view_evidence(request.user, honour.unit):
        raise Http404
    return honour


def veto_in_scope(request: HttpRequest, veto_id: int) -> Veto:
    veto = Veto.objects.select_related("unit").filter(pk=veto_id).first()
    if veto is None or not can_view_evidence(request.user, veto.unit):
        raise Http404
    return veto


def file_response(record: Any, stem: str) -> FileResponse:
    """The record's evidence file, inline, with the type its content was checked to be; never
    sniffed by the browser as anything else."""
    if not record.file_sha256 or not record.file:
        raise Http404
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = record.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=record.file_type, filename=f"{stem}.{extension}", as_attachment=False
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
