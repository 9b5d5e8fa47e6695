"""A unit's evidence page (`evidence:unit`): its honours with their state and points and the sum
explained; its vetoes on the next tab."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leitai.evidence import permissions
from leitai.evidence.models import LEVEL_LABELS, Honour, HonourState, Veto, VetoState
from leitai.evidence.queries import honours_points
from leitai.evidence.rules import reference_date_for, rules_in_force
from leitai.evidence.views import unit_in_scope
from leitai.orgs.models import Unit
from leitai.scoring.honours import HonoursScore, Level, Reason, years_before


def explain(score: HonoursScore, cap: int) -> str:
    """ "3 honours counted: 10 + 8 + 5 = 23, capped at 15 → component 100.00"."""
    counted = sorted(
        (item.points for item in score.items if item.reason == Reason.COUNTED), reverse=True
    )
    if not counted:
        return _("No verified honour counts: 0 points → component 0.00.")
    terms = " + ".join(str(p) for p in counted)
    head = ngettext(
        "%(n)s honour counted: %(terms)s", "%(n)s honours counted: %(terms)s", len(counted)
    ) % {"n": len(counted), "terms": terms}
    if len(counted) > 1:
        head += f" = {score.uncapped}"
    if score.capped:
        head += _(", capped at %(cap)s") % {"cap": cap}
    return head + _(" → component %(component)s") % {"component": f"{score.component:.2f}"}


def tab_context(request: HttpRequest, unit: Unit, tab: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "tab": tab,
        "can_enter": permissions.can_enter_honour(request.user, unit),
        "can_record_veto": permissions.can_record_veto(request.user, unit),
    }


@login_required
def unit_honours(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_in_scope(request, unit_id)
    on = reference_date_for(unit)
    force = rules_in_force(unit)
    rule = force.honours
    score = honours_points(unit, on, rule=rule)
    why = {item.honour.key: item for item in score.items}
    honours = list(Honour.objects.filter(unit=unit).order_by("-conferred_on", "pk"))
    reasons = {
        Reason.COUNTED: "",
        Reason.OUTSIDE_WINDOW: _("outside the window"),
        Reason.LOWER_LEVEL: _("the same document counts at a higher level"),
    }
    rows = []
    for honour in honours:
        item = why.get(honour.pk)
        if honour.state != HonourState.VERIFIED:
            note = (
                _("not verified yet")
                if honour.state == HonourState.PENDING
                else _("rejected: %(reason)s") % {"reason": honour.rejection_reason}
            )
            points = None
        else:
            note = reasons[item.reason] if item is not None else ""
            points = item.points if item is not None else None
        rows.append(
            {
                "honour": honour,
                "level": LEVEL_LABELS[Level(honour.level)],
                "points": points,
                "note": note,
                "counted": item is not None and item.reason == Reason.COUNTED,
                "needs_file": not honour.has_file,
            }
        )
    points_rule = " · ".join(f"{LEVEL_LABELS[level]} {rule.points[level]}" for level in Level)
    context = tab_context(request, unit, "honours") | {
        "rows": rows,
        "score": score,
        "explanation": explain(score, rule.cap),
        "on": on,
        "window_start": years_before(on, rule.window_years),
        "rule": rule,
        "points_rule": points_rule,
        "programme": force.programme,
        "may_change_rules": permissions.can_change_programme_rules(request.user, force.programme),
        "state": HonourState,
    }
    return render(request, "evidence/unit_honours.html", context)


@login_required
def unit_vetoes(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_in_scope(request, unit_id)
    vetoes = list(
        Veto.objects.filter(unit=unit)
        .select_related("recorded_by", "lifted_by")
        .order_by("-year", "-recorded_at")
    )
    context = tab_context(request, unit, "vetoes") | {
        "vetoes": vetoes,
        "state": VetoState,
        "may_lift": permissions.can_record_veto(request.user, unit),
    }
    return render(request, "evidence/unit_vetoes.html", context)
