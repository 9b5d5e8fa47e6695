from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from leitai.orgs import access, exporting
from leitai.orgs.models import Sector, Unit, UnitKind
from leitai.orgs.queries import ancestors_of, children_of, evaluating_unit_of
from leitai.orgs.scope import scope_tops, search_roots
from leitai.orgs.search import search_units

CHILDREN_PER_PAGE = 50


def _visible_unit(request: HttpRequest, code: str) -> Unit:
    """The unit, or 404 when it does not exist or lies outside the user's scope."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not access.can_view_unit(request.user, unit):
        raise Http404
    return unit


def _breakdown(unit: Unit) -> dict[str, list[tuple[str, str, int, int]]]:
    """Subtree counts by sector and kind with their share of the total, for the bars."""
    total = max(int(unit.counts.get("total", 0)), 1)
    result: dict[str, list[tuple[str, str, int, int]]] = {}
    for key, choices in (("sector", Sector), ("kind", UnitKind)):
        counts = unit.counts.get(key, {})
        result[key] = [
            (
                choice.value,
                str(choice.label),
                int(counts.get(choice.value, 0)),
                round(100 * int(counts.get(choice.value, 0)) / total),
            )
            for choice in choices
        ]
    return result


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    tops = scope_tops(request.user)
    if not tops:
        raise PermissionDenied
    expand_first = len(tops) == 1
    return render(
        request,
        "orgs/tree.html",
        {
            "tops": tops,
            "expanded": tops[0] if expand_first else None,
            "children": list(children_of(tops[0])[:CHILDREN_PER_PAGE]) if expand_first else [],
        },
    )


@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    unit = _visible_unit(request, code)
    page = Paginator(children_of(unit), CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    visible = [c for c in page.object_list if access.can_view_unit(request.user, c)]
    return render(request, "orgs/_children.html", {"unit": unit, "children": visible, "page": page})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = _visible_unit(request, code)
    ancestors = ancestors_of(unit)
    visible_ancestors = [a for a in ancestors if access.can_view_unit(request.user, a)]
    page = Paginator(children_of(unit), CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/unit.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "visible_ancestor_ids": {a.pk for a in visible_ancestors},
            "evaluating": evaluating_unit_of(unit, ancestors),
            "page": page,
            "breakdown": _breakdown(unit),
            "can_view_children": unit.counts.get("total", 1) > 1
            and access.can_view_unit(request.user, unit)
            and access.reaches_subtree(request.user, unit),
            "can_export": access.can_manage_unit(request.user, unit),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    if not access.has_any_role(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    result = search_units(query, scope_roots=search_roots(request.user)) if query else None
    template = "orgs/_search_results.html" if request.htmx else "orgs/search.html"
    rows = _result_rows(result.units) if result else []
    return render(request, template, {"query": query, "result": result, "rows": rows})


def _result_rows(units: list[Unit]) -> list[dict[str, str]]:
    """Rows ready to print: labels translated once per request, not once per row."""
    kinds = {value: str(label) for value, label in UnitKind.choices}
    sectors = {value: str(label) for value, label in Sector.choices}
    return [
        {
            "name": u.name,
            "code": u.code,
            "kind": kinds.get(u.kind, u.kind),
            "sector": sectors.get(u.sector, u.sector),
            "url": reverse("orgs:unit", args=[u.code]),
        }
        for u in units
    ]


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    unit = _visible_unit(request, code)
    if not access.can_manage_unit(request.user, unit):
        raise PermissionDenied
    return exporting.export_response(unit, request.GET.get("format", "xlsx"))
