from __future__ import annotations

from http.client import NOT_FOUND, UNAUTHORIZED, UNPROCESSABLE_ENTITY

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from leitai.core.refusals import answers
from leitai.orgs import access
from leitai.orgs.facts import founded_cell
from leitai.orgs.models import Unit
from leitai.orgs.queries import ancestors_of, evaluating_unit_of
from leitai.orgs.scope import search_roots
from leitai.orgs.search import search_units

router = Router(tags=["organisations"])


class UnitRef(Schema):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    sector: str
    secretary: str
    is_evaluating: bool
    parent: UnitRef | None
    evaluating_unit: UnitRef | None
    path: list[UnitRef]
    counts: dict[str, object]
    # The unit's facts, null when not known: the founding month as "YYYY-MM".
    founded: str | None
    members: int | None
    has_party_groups: bool | None


class SearchOut(Schema):
    query: str
    matched: int
    capped: bool
    units: list[UnitRef]


def _ref(unit: Unit | None) -> UnitRef | None:
    return UnitRef(code=unit.code, name=unit.name) if unit is not None else None


# `path`, not the default `str`: codes older imports allowed may hold a "/", which reaches the
# server as "/" or as "%2F" (decoded before routing either way); the code is the rest of the path.
@router.get("/units/{path:code}", **answers(UnitOut, UNAUTHORIZED, NOT_FOUND))
def unit(request: HttpRequest, code: str) -> UnitOut:
    found = Unit.objects.filter(code=code).first()
    if found is None or not access.can_view_unit(request.user, found):
        raise Http404
    ancestors = ancestors_of(found)
    return UnitOut(
        code=found.code,
        name=found.name,
        kind=found.kind,
        sector=found.sector,
        secretary=found.secretary,
        is_evaluating=found.is_evaluating,
        parent=_ref(ancestors[-1] if ancestors else None),
        evaluating_unit=_ref(evaluating_unit_of(found, ancestors)),
        path=[UnitRef(code=a.code, name=a.name) for a in ancestors],
        counts=found.counts,
        founded=founded_cell(found.founded) or None,
        members=found.members,
        has_party_groups=found.has_party_groups,
    )


@router.get("/search", **answers(SearchOut, UNAUTHORIZED, UNPROCESSABLE_ENTITY))
def search(request: HttpRequest, q: str, limit: int = 20) -> SearchOut:
    limit = max(1, min(limit, 100))
    result = search_units(q[:100], scope_roots=search_roots(request.user), limit=limit)
    return SearchOut(
        query=q,
        matched=result.matched,
        capped=result.capped,
        units=[UnitRef(code=u.code, name=u.name) for u in result.units],
    )
