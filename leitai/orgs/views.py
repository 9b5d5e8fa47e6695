from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leitai.orgs import access, exporting, services
from leitai.orgs.facts import founded_label
from leitai.orgs.forms import UnitFactsForm
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


def _party_groups_label(has_party_groups: bool | None) -> str:
    if has_party_groups is None:
        return _("Not known")
    return _("Yes") if has_party_groups else _("No")


def _fact_text(name: str, value: object) -> str:
    if value is None:
        return _("Not known")
    if name == "has_party_groups":
        return _party_groups_label(bool(value))
    return str(value)


def fact_changes(unit: Unit) -> list[dict[str, object]]:
    """The unit's fact edits on the ledger, newest first: when, who, each fact old → new."""
    from leitai.ledger.changes import history
    from leitai.orgs.audit import chain_of

    names = {
        "founded": _("Founded"),
        "members": _("Members"),
        "has_party_groups": _("Party groups (党小组)"),
    }
    return [
        {
            "change": change,
            "lines": [
                (names.get(name, name), _fact_text(name, v["old"]), _fact_text(name, v["new"]))
                for name, v in change.changes.items()
            ],
        }
        for change in history(chain_of(unit.pk), limit=20)
    ]


def _unit_page(
    request: HttpRequest, unit: Unit, facts_form: UnitFactsForm | None = None, status: int = 200
) -> HttpResponse:
    ancestors = ancestors_of(unit)
    visible_ancestors = [a for a in ancestors if access.can_view_unit(request.user, a)]
    page = Paginator(children_of(unit), CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    may_manage = access.can_manage_unit(request.user, unit)
    if facts_form is None and may_manage:
        facts_form = UnitFactsForm.for_unit(unit)
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
            "can_export": may_manage,
            "founded": founded_label(unit.founded),
            "party_groups": _party_groups_label(unit.has_party_groups),
            "facts_form": facts_form,
            "fact_changes": fact_changes(unit),
        },
        status=status,
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _unit_page(request, _visible_unit(request, code))


@require_POST
@login_required
def edit_facts(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's founding month, members and party groups, set by those who may change the
    unit (its organisers: `can_manage_unit`); 404 outside the user's scope, 403 within it."""
    unit = _visible_unit(request, code)
    if not access.can_manage_unit(request.user, unit):
        raise PermissionDenied
    form = UnitFactsForm.for_unit(unit, request.POST)
    if not form.is_valid():
        return _unit_page(request, unit, form, status=400)
    services.set_unit_facts(
        unit=unit,
        founded=form.cleaned_data["founded"],
        members=form.cleaned_data["members"],
        has_party_groups=form.cleaned_data["has_party_groups"],
        by=request.user,
    )
    messages.success(request, _("The unit's facts are saved."))
    return redirect("orgs:unit", unit.code)


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
