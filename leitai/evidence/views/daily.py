"""The daily-data pages: a unit's figures and score, the organisers' distribution, the units
without records. Thin: resolve, check the predicate, read the queries, render."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from leitai.evidence.daily_grid import Sources, grid_rows
from leitai.evidence.permissions import (
    can_change_programme_rules,
    can_import_daily,
    can_view_daily_overview,
    can_view_unit_daily,
    daily_overview_scope_q,
)
from leitai.evidence.queries_daily import (
    UnitScore,
    judged_window,
    score_of,
    scores_of_units,
    unit_values,
)
from leitai.evidence.rules import rules_in_force
from leitai.evidence.rules_daily import reference_date
from leitai.orgs.models import Sector, Unit, UnitKind
from leitai.orgs.paths import path_ids
from leitai.scoring.daily import Flag

# The score bands of the distribution: [low, high), the last one closed at 100.
BANDS = ((0, 60), (60, 70), (70, 80), (80, 90), (90, 100))


@login_required
def unit_daily(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_view_unit_daily(request.user, unit):
        raise Http404
    force = rules_in_force(unit)
    rule = force.daily
    on = reference_date()
    first, last = judged_window(rule, on)
    values, imports = unit_values(unit.pk, first, last, rule=rule)
    outcome = score_of(
        values, rule, first, last, founded=unit.founded, has_party_groups=unit.has_party_groups
    )
    months = [first.plus(i) for i in range(rule.window_months)]
    sources = Sources(imports)
    rows = grid_rows(outcome, months, values, sources)
    titles = {}
    for row in rows:
        for cell in row.cells:
            titles[id(cell)] = sources.title(cell.sources)
    grid = [
        {"row": row, "cells": [{"cell": cell, "title": titles[id(cell)]} for cell in row.cells]}
        for row in rows
    ]
    return render(
        request,
        "evidence/daily_unit.html",
        {
            "unit": unit,
            "outcome": outcome,
            "score": (
                format(outcome.score.quantize(Decimal("0.01")), "f")
                if outcome.score is not None
                else ""
            ),
            "young": outcome.flag is Flag.YOUNG,
            "no_records": outcome.flag is Flag.NO_RECORDS,
            "on": on,
            "first": first,
            "last": last,
            "span_first": outcome.first,
            "months": months,
            "grid": grid,
            "sources": sources.listed(),
            "founded": unit.founded,
            "groups": unit.has_party_groups,
            "programme": force.programme,
            "may_change_rules": can_change_programme_rules(request.user, force.programme),
        },
    )


@dataclass
class Distribution:
    label: str
    key: str
    units: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * len(BANDS))
    scores: list[Decimal] = field(default_factory=list)
    no_records: int = 0
    young: int = 0

    def add(self, outcome: UnitScore) -> None:
        self.units += 1
        if outcome.flag == Flag.YOUNG:
            self.young += 1
            return
        if outcome.flag == Flag.NO_RECORDS or outcome.score is None:
            self.no_records += 1
            return
        self.scores.append(outcome.score)
        for index, (low, high) in enumerate(BANDS):
            if low <= outcome.score < high or (high == 100 and outcome.score == 100):
                self.bands[index] += 1
                break

    @property
    def median(self) -> str:
        if not self.scores:
            return ""
        # The median of two middle scores is their mean: exact, then half-up to 2 places.
        middle = Decimal(statistics.median(self.scores))
        return format(middle.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")

    @property
    def band_cells(self) -> list[tuple[int, int]]:
        """(count, share of the judged units in %) per band, for the bar."""
        judged = len(self.scores) or 1
        return [(n, round(100 * n / judged)) for n in self.bands]


def _judged_units(user: Any) -> list[tuple[int, str, str, Any, Any]]:
    """The branches in the user's overview scope: (id, path, sector, founded, party groups)."""
    return list(
        Unit.objects.filter(daily_overview_scope_q(user), kind=UnitKind.BRANCH)
        .order_by("path")
        .values_list("pk", "path", "sector", "founded", "has_party_groups")
    )


def _evaluating_of(
    units: list[tuple[int, str, str, Any, Any]],
) -> tuple[dict[int, int], dict[int, Unit]]:
    """Each unit's nearest evaluating unit (itself or an ancestor), in one query."""
    evaluating = {
        u.pk: u for u in Unit.objects.filter(is_evaluating=True).only("pk", "name", "code", "path")
    }
    of: dict[int, int] = {}
    for pk, path, *_rest in units:
        for ancestor in reversed(path_ids(path)):
            if ancestor in evaluating:
                of[pk] = ancestor
                break
    return of, evaluating


@login_required
def daily_overview(request: HttpRequest) -> HttpResponse:
    if not can_view_daily_overview(request.user):
        raise PermissionDenied
    units = _judged_units(request.user)
    force = rules_in_force()
    scores = scores_of_units(
        [(pk, founded, groups) for pk, _p, _s, founded, groups in units], rule=force.daily
    )
    evaluating_of, evaluating = _evaluating_of(units)
    sector_label = dict(Sector.choices)
    by_evaluating: dict[int, Distribution] = {}
    by_sector: dict[str, Distribution] = {}
    total = Distribution(label="", key="")
    for pk, _path, sector, _f, _g in units:
        outcome = scores[pk]
        total.add(outcome)
        home = evaluating_of.get(pk)
        if home is not None:
            if home not in by_evaluating:
                by_evaluating[home] = Distribution(label=evaluating[home].name, key=str(home))
            by_evaluating[home].add(outcome)
        if sector not in by_sector:
            by_sector[sector] = Distribution(
                label=str(sector_label.get(sector, sector)), key=sector
            )
        by_sector[sector].add(outcome)
    first, last = judged_window(force.daily)
    return render(
        request,
        "evidence/daily_overview.html",
        {
            "bands": [f"{low}–{high}" for low, high in BANDS],
            "total": total,
            "evaluating": sorted(by_evaluating.values(), key=lambda d: d.label),
            "sectors": sorted(by_sector.values(), key=lambda d: d.label),
            "first": first,
            "last": last,
            "can_import": can_import_daily(request.user),
            "programme": force.programme,
            "may_change_rules": can_change_programme_rules(request.user, force.programme),
        },
    )


@login_required
def daily_no_records(request: HttpRequest) -> HttpResponse:
    """The units of the overview without a record in the window, by evaluating unit or sector."""
    if not can_view_daily_overview(request.user):
        raise PermissionDenied
    units = _judged_units(request.user)
    wanted_evaluating = request.GET.get("evaluating", "")
    wanted_sector = request.GET.get("sector", "")
    if wanted_evaluating:
        if not wanted_evaluating.isdigit():
            raise Http404
        evaluating_of, _evaluating = _evaluating_of(units)
        if int(wanted_evaluating) not in set(evaluating_of.values()):
            raise Http404  # an evaluating unit outside the user's scope (or none at all)
        units = [u for u in units if evaluating_of.get(u[0]) == int(wanted_evaluating)]
    if wanted_sector:
        units = [u for u in units if u[2] == wanted_sector]
    scores = scores_of_units(
        [(pk, founded, groups) for pk, _p, _s, founded, groups in _judged_units(request.user)]
    )
    ids = [pk for pk, *_rest in units if scores[pk].flag == Flag.NO_RECORDS]
    page = Paginator(ids, 100).get_page(request.GET.get("page"))
    shown = {u.pk: u for u in Unit.objects.filter(pk__in=list(page.object_list))}
    return render(
        request,
        "evidence/daily_no_records.html",
        {
            "page": page,
            "units": [shown[pk] for pk in page.object_list],
            "query": {"evaluating": wanted_evaluating, "sector": wanted_sector},
        },
    )
