from __future__ import annotations

import pytest

from leitai.orgs.models import Sector, Unit, UnitKind
from leitai.orgs.paths import subtree_range, successor
from leitai.orgs.queries import ancestors_of, evaluating_unit_of, units_in_subtree
from leitai.orgs.services import TreeError, move_unit
from tests.factories import small_city

pytestmark = pytest.mark.django_db


def counts(unit: Unit) -> dict[str, object]:
    unit.refresh_from_db()
    return unit.counts


def test_successor_is_exclusive_upper_bound_of_extensions() -> None:
    assert successor("0012") == "0013"
    assert successor("0019") == "0020"
    low, high = subtree_range("00000001")
    assert low <= "0000000100000009" < high
    assert not (low <= "00000002" < high)


def test_evaluating_unit_defaults_to_the_roots_children() -> None:
    city = small_city()
    assert not city["root"].is_evaluating
    assert city["shinan"].is_evaluating
    assert evaluating_unit_of(city["branch"]) == city["shinan"]
    assert evaluating_unit_of(city["shinan"]) == city["shinan"]
    assert evaluating_unit_of(city["root"]) is None


def test_evaluating_unit_is_the_nearest_flagged_ancestor() -> None:
    city = small_city()
    Unit.objects.filter(pk=city["jinhulu"].pk).update(is_evaluating=True)
    branch = Unit.objects.get(pk=city["branch"].pk)
    assert evaluating_unit_of(branch).code == "37020201"


def test_counts_by_sector_and_kind_are_kept_on_create() -> None:
    city = small_city()
    assert counts(city["root"]) == {
        "total": 7,
        "sector": {"other": 3, "urban_community": 2, "rural": 2},
        "kind": {"committee": 4, "working_committee": 1, "branch": 2},
    }
    assert counts(city["jinhulu"]) == {
        "total": 2,
        "sector": {"urban_community": 2},
        "kind": {"working_committee": 1, "branch": 1},
    }


def test_move_rewrites_paths_and_counts_of_both_sides() -> None:
    city = small_city()
    move_unit(unit=city["jinhulu"], new_parent=city["laixi"])
    branch = Unit.objects.get(code="3702020101")
    assert [a.code for a in ancestors_of(branch)] == ["370200", "370285", "37020201"]
    assert branch.depth == 3
    assert counts(city["shinan"])["total"] == 1
    assert counts(city["laixi"]) == {
        "total": 5,
        "sector": {"other": 1, "rural": 2, "urban_community": 2},
        "kind": {"committee": 2, "working_committee": 1, "branch": 2},
    }
    assert counts(city["root"])["total"] == 7
    assert set(units_in_subtree(city["laixi"]).values_list("code", flat=True)) == {
        "370285",
        "37028501",
        "3702850101",
        "37020201",
        "3702020101",
    }


def test_move_under_own_descendant_is_refused() -> None:
    city = small_city()
    with pytest.raises(TreeError, match="cycle"):
        move_unit(unit=city["shinan"], new_parent=city["branch"])
    assert Unit.objects.get(code="37020201").parent_id == city["shinan"].pk


def test_move_to_root_level() -> None:
    city = small_city()
    moved = move_unit(unit=city["jiangshan"], new_parent=None)
    assert moved.depth == 0
    assert Unit.objects.get(code="3702850101").depth == 1
    assert counts(city["root"])["total"] == 5


def test_kinds_and_sectors_cover_the_design() -> None:
    assert {k.value for k in UnitKind} >= {"committee", "general_branch", "branch"}
    assert len(Sector.choices) == 7
