"""The programmes' pages: the list an organiser may change, and a programme's evidence settings
with their history on the ledger. Organisers only: 403 for other roles, 404 for a programme
outside the organiser's scope, sign-in for anonymous visitors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from leitai.ledger.changes import history
from leitai.programs import services
from leitai.programs.audit import chain_of
from leitai.programs.forms import CADENCE_CHOICES, LEVEL_NAMES, EvidenceSettingsForm
from leitai.programs.models import Programme
from leitai.programs.permissions import can_edit_programme, can_view_programmes, programmes_q
from leitai.scoring.daily import DEFAULT_METRICS
from leitai.scoring.honours import Level


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not can_view_programmes(request.user):
        raise PermissionDenied
    programmes = list(Programme.objects.filter(programmes_q(request.user)).select_related("root"))
    return render(request, "programs/list.html", {"programmes": programmes})


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    if not can_view_programmes(request.user):
        raise PermissionDenied
    programme = Programme.objects.select_related("root").filter(pk=programme_id).first()
    if programme is None or not can_edit_programme(request.user, programme):
        raise Http404
    return programme


def value_label(name: str) -> str:
    """A recorded value's name for people: "evidence.daily.metrics.theme_day.weight" →
    "Daily data · 主题党日 · weight"."""
    parts = name.removeprefix("evidence.").split(".")
    metrics = {metric.key: metric.name for metric in DEFAULT_METRICS}
    words = {
        "honours": _("Honours"),
        "daily": _("Daily data"),
        "points": _("points"),
        "window_years": _("window (years)"),
        "cap": _("cap"),
        "window_months": _("window (months)"),
        "weight": _("weight"),
        "requirement": _("at least"),
        "cadence": _("period"),
        "kind": _("kind"),
        "metrics": "",
    }
    levels = {level.value: str(LEVEL_NAMES[level]) for level in Level}
    shown = [words.get(p, levels.get(p, metrics.get(p, p))) for p in parts]
    return " · ".join(str(word) for word in shown if word)


def _value_text(value: Any) -> str:
    cadences = {key: str(label) for key, label in CADENCE_CHOICES}
    if value is None:
        return "—"
    return cadences.get(str(value), str(value))


def changes_of(programme: Programme) -> list[dict[str, Any]]:
    return [
        {
            "change": change,
            "lines": [
                (value_label(name), _value_text(values["old"]), _value_text(values["new"]))
                for name, values in change.changes.items()
            ],
        }
        for change in history(chain_of(programme.pk))
    ]


@login_required
def evidence_settings(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    rules = programme.evidence_rules
    status = 200
    if request.method == "POST":
        form = EvidenceSettingsForm(request.POST, rules=rules)
        if form.is_valid():
            try:
                services.set_evidence_rules(
                    programme=programme,
                    rules=form.cleaned_data["rules"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.ProgrammeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The evidence settings are saved."))
                return redirect("programs:evidence", programme.pk)
        status = 400
    else:
        form = EvidenceSettingsForm(rules=rules)
    weights = sum(metric.weight for metric in rules.daily.metrics)
    return render(
        request,
        "programs/evidence.html",
        {
            "programme": programme,
            "form": form,
            "levels": [form[f"points_{level.value}"] for level in Level],
            "metric_rows": form.metric_rows(),
            "weights": weights,
            "changes": changes_of(programme),
        },
        status=status,
    )
