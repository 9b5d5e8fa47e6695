"""Entering, editing, viewing and verifying honours; the verification queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from leitai.evidence import permissions
from leitai.evidence.forms import HonourForm, ReasonForm
from leitai.evidence.models import LEVEL_LABELS, Honour, HonourState
from leitai.evidence.services import EvidenceRefused
from leitai.evidence.services.honours import (
    HonourFields,
    edit_honour,
    enter_honour,
    reject_honour,
    verify_honour,
)
from leitai.evidence.views import file_response, honour_in_scope, unit_in_scope
from leitai.scoring.honours import Level

QUEUE_PAGE = 25


def _fields(form: HonourForm) -> HonourFields:
    data = form.cleaned_data
    return HonourFields(
        title=data["title"],
        level=Level(data["level"]),
        conferred_by=data["conferred_by"],
        document=data["document"],
        conferred_on=data["conferred_on"],
    )


@login_required
def honour_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_in_scope(request, unit_id)
    if not permissions.can_enter_honour(request.user, unit):
        raise PermissionDenied
    form = HonourForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            honour = enter_honour(
                unit=unit, by=request.user, fields=_fields(form), file=form.cleaned_data["file"]
            )
        except EvidenceRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Entered; it counts once verified."))
            return redirect("evidence:honour", honour_id=honour.pk)
    return render(
        request,
        "evidence/honour_form.html",
        {"unit": unit, "form": form, "honour": None, "state": HonourState},
        status=400 if form.errors else 200,
    )


@login_required
def honour_edit(request: HttpRequest, honour_id: int) -> HttpResponse:
    honour = honour_in_scope(request, honour_id)
    if not permissions.can_edit_honour(request.user, honour):
        raise PermissionDenied
    initial = {
        "title": honour.title,
        "level": honour.level,
        "conferred_by": honour.conferred_by,
        "document": honour.document,
        "conferred_on": honour.conferred_on,
    }
    form = HonourForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        file_required=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            edit_honour(
                honour=honour,
                by=request.user,
                fields=_fields(form),
                file=form.cleaned_data["file"],
                version=version,
            )
        except EvidenceRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Saved; the record waits for verification again."))
            return redirect("evidence:honour", honour_id=honour.pk)
    return render(
        request,
        "evidence/honour_form.html",
        {"unit": honour.unit, "form": form, "honour": honour, "state": HonourState},
        status=400 if form.errors else 200,
    )


@login_required
def honour_detail(request: HttpRequest, honour_id: int) -> HttpResponse:
    honour = honour_in_scope(request, honour_id)
    return render(
        request,
        "evidence/honour.html",
        {
            "honour": honour,
            "unit": honour.unit,
            "level": LEVEL_LABELS[Level(honour.level)],
            "state": HonourState,
            "can_edit": permissions.can_edit_honour(request.user, honour),
            "can_verify": permissions.can_verify_honour(request.user, honour),
            "is_verifier": permissions.is_verifier_for(request.user, honour.unit),
            "reject_form": ReasonForm(),
        },
    )


@login_required
@xframe_options_sameorigin  # shown in the record's page (an iframe of the same site)
def honour_file(request: HttpRequest, honour_id: int) -> HttpResponseBase:
    honour = honour_in_scope(request, honour_id)
    return file_response(honour, f"honour-{honour.pk}")


def _decide(request: HttpRequest, honour_id: int, *, verify: bool) -> HttpResponse:
    honour = honour_in_scope(request, honour_id)
    if not permissions.can_verify_honour(request.user, honour):
        raise PermissionDenied
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    try:
        if verify:
            verify_honour(honour=honour, by=request.user, version=expected)
            messages.success(request, _("Verified: the honour now counts."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise EvidenceRefused(_("Give the reason for rejecting the record."))
            reject_honour(
                honour=honour, by=request.user, reason=form.cleaned_data["reason"], version=expected
            )
            messages.success(request, _("Rejected, with the reason given."))
    except EvidenceRefused as refusal:
        messages.error(request, str(refusal))
    target = request.POST.get("next", "")
    if target == "queue":
        return redirect("evidence:queue")
    return redirect("evidence:honour", honour_id=honour.pk)


@login_required
@require_POST
def honour_verify(request: HttpRequest, honour_id: int) -> HttpResponse:
    return _decide(request, honour_id, verify=True)


@login_required
@require_POST
def honour_reject(request: HttpRequest, honour_id: int) -> HttpResponse:
    return _decide(request, honour_id, verify=False)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Pending honours the user may decide, newest first."""
    if not permissions.sees_verification_queue(request.user):
        raise PermissionDenied
    rows = (
        Honour.objects.filter(permissions.verifiable_q(request.user), state=HonourState.PENDING)
        .exclude(entered_by_id=request.user.pk)
        .exclude(edited_by_id=request.user.pk)
        .select_related("unit", "entered_by")
        .order_by("-entered_at", "-pk")
    )
    page = Paginator(rows, QUEUE_PAGE).get_page(request.GET.get("page"))
    items = [{"honour": h, "level": LEVEL_LABELS[Level(h.level)]} for h in page.object_list]
    return render(
        request,
        "evidence/queue.html",
        {"page": page, "items": items, "reject_form": ReasonForm()},
    )
