"""The veto register: recording and lifting vetoes, and their evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leitai.evidence import permissions
from leitai.evidence.forms import ReasonForm, VetoForm
from leitai.evidence.models import VetoCategory
from leitai.evidence.services import EvidenceRefused
from leitai.evidence.services.vetoes import lift_veto, record_veto
from leitai.evidence.views import file_response, unit_in_scope, veto_in_scope


@login_required
def veto_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_in_scope(request, unit_id)
    if not permissions.can_record_veto(request.user, unit):
        raise PermissionDenied
    form = VetoForm(
        request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_veto(
                unit=unit,
                by=request.user,
                year=data["year"],
                category=VetoCategory(data["category"]),
                evidence=data["evidence"],
                file=data["file"],
            )
        except EvidenceRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Veto recorded."))
            return redirect("evidence:unit_vetoes", unit_id=unit.pk)
    return render(
        request,
        "evidence/veto_form.html",
        {"unit": unit, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def veto_lift(request: HttpRequest, veto_id: int) -> HttpResponse:
    veto = veto_in_scope(request, veto_id)
    if not permissions.can_lift_veto(request.user, veto):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise EvidenceRefused(_("Give the reason for lifting the veto."))
        lift_veto(veto=veto, by=request.user, reason=form.cleaned_data["reason"])
    except EvidenceRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Veto lifted."))
    return redirect("evidence:unit_vetoes", unit_id=veto.unit_id)


@login_required
def veto_file(request: HttpRequest, veto_id: int) -> HttpResponseBase:
    veto = veto_in_scope(request, veto_id)
    return file_response(veto, f"veto-{veto.pk}")
