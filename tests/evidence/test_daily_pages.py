"""The daily-data pages: a hand-computed unit's score and grid, who sees which page, the
organisers' distribution, the list of branches without records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from leitai.accounts.models import Role
from leitai.evidence.daily_grid import CellState, Sources, grid_rows
from leitai.evidence.queries_daily import (
    judged_window,
    month_number,
    score_of,
    unit_values,
)
from leitai.evidence.rules_daily import daily_rule_for
from leitai.evidence.services.daily import ValueRow, import_values
from leitai.orgs.models import Unit
from leitai.scoring.daily import Month
from tests.factories import PASSWORD, make_unit, make_user, small_city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def city() -> dict[str, Any]:
    return small_city()


def client_of(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def hand_computed(unit: Unit, actor: Any) -> tuple[Month, Month]:
    """Founded in the window's fourth month (F+3), no party groups, so its span is nine months:
    three quarters, no whole year. Returns the window."""
    first, last = judged_window(daily_rule_for())
    founded = first.plus(3)
    Unit.objects.filter(pk=unit.pk).update(founded=f"{founded}-01", has_party_groups=False)
    month = [month_number(first.plus(i)) for i in range(12)]
    rows: list[ValueRow] = []
    # 党员大会: four meetings in the first quarter (2 + 2) count one quarter; none in the
    # second; one in the third → 2 of 3.
    rows += [(unit.pk, month[3], "general_meeting", 2), (unit.pk, month[4], "general_meeting", 2)]
    rows += [(unit.pk, month[11], "general_meeting", 1)]
    # 支委会 every month of the span: 9 of 9; a meeting before the founding month is not judged.
    rows += [(unit.pk, month[i], "committee_meeting", 1) for i in range(2, 12)]
    # 主题党日 in six of the nine months.
    rows += [(unit.pk, month[i], "theme_day", 1) for i in (3, 4, 5, 6, 7, 8)]
    # 党费按时交纳率: 1 three times, 0.9 three times, three months without a record (0).
    rows += [(unit.pk, month[i], "dues_rate", Decimal(1)) for i in (3, 4, 5)]
    rows += [(unit.pk, month[i], "dues_rate", Decimal("0.9")) for i in (6, 7, 8)]
    import_values(actor=actor, file_name="hand.csv", digest="1" * 64, rows=rows)
    return first, last


def test_hand_computed_unit_score_and_grid(city: dict[str, Any]) -> None:
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    unit = city["branch"]
    first, last = hand_computed(unit, organiser)
    unit.refresh_from_db()
    rule = daily_rule_for(unit)
    values, imports = unit_values(unit.pk, first, last, rule=rule)
    outcome = score_of(
        values, rule, first, last, founded=unit.founded, has_party_groups=unit.has_party_groups
    )
    # Judged: 支委会 15, 党员大会 10, 党课 10, 主题党日 15, 党费 15, 学习 10 = 75, scaled to 100;
    # 党小组会 not applicable, the yearly two have no whole year in nine months.
    # (15·1 + 10·2/3 + 10·0 + 15·2/3 + 15·(3 + 2.7)/9 + 10·0) · 100/75 = 54.888… → 54.89
    assert outcome.score == Decimal("54.89")
    assert outcome.first == first.plus(3)
    months = [first.plus(i) for i in range(12)]
    with translation.override("en"):
        rows = {row.key: row for row in grid_rows(outcome, months, values, Sources(imports))}
    general = rows["general_meeting"]
    assert [(c.state, c.span) for c in general.cells] == [
        (CellState.NOT_JUDGED, 3),
        (CellState.MET, 3),
        (CellState.MISSED, 3),
        (CellState.MET, 3),
    ]
    assert general.cells[1].text == "4"
    assert general.cells[1].label == f"{first.plus(3)} – {first.plus(5)}"
    assert general.completion == "66.67"
    assert general.missed == [f"{first.plus(6)} – {first.plus(8)}"]
    assert [c.state for c in rows["group_meeting"].cells] == [CellState.NOT_APPLICABLE]
    assert [(c.state, c.span) for c in rows["life_meeting"].cells] == [
        (CellState.NOT_JUDGED, 3),
        (CellState.NOT_JUDGED, 9),
    ]
    dues = rows["dues_rate"]
    assert dues.completion == "63.33"
    assert [c.text for c in dues.cells[1:]] == ["100%"] * 3 + ["90%"] * 3 + ["no record"] * 3
    assert dues.cells[1].sources == [1]

    response = client_of(organiser).get(reverse("evidence:unit_daily", args=[unit.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "54.89" in page
    assert "hand.csv" in page
    assert f'data-months="{first.plus(3)} – {first.plus(5)}"' in page


def test_a_unit_without_records_and_a_young_unit(city: dict[str, Any]) -> None:
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_of(organiser)
    page = client.get(reverse("evidence:unit_daily", args=[city["branch"].pk])).content.decode()
    assert 'id="daily-score-value">0.00<' in page
    assert "No records in the window" in page or "考核期内无记录" in page
    _first, last = judged_window(daily_rule_for())
    Unit.objects.filter(pk=city["village"].pk).update(founded=f"{last.plus(1)}-01")
    page = client.get(reverse("evidence:unit_daily", args=[city["village"].pk])).content.decode()
    assert 'id="daily-flag"' in page
    assert "daily-score-value" not in page


def test_who_sees_a_units_daily_page(city: dict[str, Any]) -> None:
    secretary = make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    reviewer_out = make_user("rev-out", role=Role.REVIEWER, unit=city["laixi"])
    committee = make_user("rev-in", role=Role.REVIEWER, unit=city["shinan"])
    own = reverse("evidence:unit_daily", args=[city["branch"].pk])
    other = reverse("evidence:unit_daily", args=[city["village"].pk])
    missing = reverse("evidence:unit_daily", args=[999_999])
    assert client_of(secretary).get(own).status_code == 200
    assert client_of(secretary).get(other).status_code == 404
    assert client_of(secretary).get(missing).status_code == 404
    assert client_of(reviewer_out).get(own).status_code == 404
    assert client_of(reviewer_out).get(other).status_code == 200
    assert client_of(committee).get(own).status_code == 200
    assert Client().get(own).status_code == 302


def test_overview_counts_bands_per_evaluating_unit_and_sector(city: dict[str, Any]) -> None:
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    hand_computed(city["branch"], organiser)  # 54.89 in 市南; the village has no records
    response = client_of(organiser).get(reverse("evidence:daily_overview"))
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.units, total.bands, total.no_records, total.median) == (
        2,
        [1, 0, 0, 0, 0],
        1,
        "54.89",
    )
    by_key = {d.key: d for d in response.context["evaluating"]}
    assert by_key[str(city["shinan"].pk)].bands == [1, 0, 0, 0, 0]
    assert by_key[str(city["laixi"].pk)].no_records == 1
    reviewer = make_user("rev", role=Role.REVIEWER, unit=city["shinan"])
    scoped = client_of(reviewer).get(reverse("evidence:daily_overview")).context["total"]
    assert (scoped.units, scoped.no_records) == (1, 0)


def test_no_records_list_and_out_of_scope_ids(city: dict[str, Any]) -> None:
    reviewer = make_user("rev", role=Role.REVIEWER, unit=city["laixi"])
    url = reverse("evidence:daily_no_records")
    page = client_of(reviewer).get(f"{url}?evaluating={city['laixi'].pk}")
    assert page.status_code == 200
    assert city["village"].name in page.content.decode()
    assert client_of(reviewer).get(f"{url}?evaluating={city['shinan'].pk}").status_code == 404
    assert client_of(reviewer).get(f"{url}?evaluating=x").status_code == 404
    secretary = make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    assert client_of(secretary).get(url).status_code == 403
    assert client_of(secretary).get(reverse("evidence:daily_overview")).status_code == 403


def test_overview_queries_do_not_grow_with_branches(city: dict[str, Any]) -> None:
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_of(organiser)
    url = reverse("evidence:daily_overview")
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(3):
        make_unit(city["jinhulu"], name=f"新党支部{index}")
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_many_units_scores_equal_each_units_own(city: dict[str, Any]) -> None:
    """The overview's one numpy pass against the pure rule per unit, with a month re-imported
    (only the latest import counts), a founded unit, a unit without groups, one without records."""
    from leitai.evidence.queries_daily import daily_score, scores_of_units

    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    first, _last = hand_computed(city["branch"], organiser)
    month = month_number(first.plus(5))
    import_values(
        actor=organiser,
        file_name="again.csv",
        digest="2" * 64,
        rows=[
            (city["branch"].pk, month, "dues_rate", Decimal("0.1234")),
            (city["village"].pk, month, "committee_meeting", 3),
        ],
    )
    units = list(Unit.objects.values_list("pk", "founded", "has_party_groups"))
    many = scores_of_units(units)
    for unit in Unit.objects.all():
        own = daily_score(unit)
        assert (many[unit.pk].score, many[unit.pk].flag) == (own.score, own.flag.value)
    assert many[city["branch"].pk].score != Decimal("54.89")  # the re-import counts


def test_each_cell_is_titled_with_its_own_imports_formatted_once(
    city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month per import, as the platform exports: each cell's title names the import of its
    month, and the page formats each import's time once, not once per cell."""
    from leitai.evidence import daily_grid

    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    unit = city["branch"]
    first, last = judged_window(daily_rule_for())
    for i in range(3):
        month = month_number(first.plus(i))
        import_values(
            actor=organiser,
            file_name=f"month-{i}.csv",
            digest=f"{i}" * 64,
            rows=[(unit.pk, month, "committee_meeting", 1), (unit.pk, month, "dues_rate", 1)],
        )
    rule = daily_rule_for(unit)
    values, imports = unit_values(unit.pk, first, last, rule=rule)
    outcome = score_of(values, rule, first, last, founded=None, has_party_groups=None)
    formatted = []
    real_format = daily_grid.date_format
    monkeypatch.setattr(
        daily_grid, "date_format", lambda *a: formatted.append(a) or real_format(*a)
    )
    sources = Sources(imports)
    with translation.override("en"):
        rows = {
            row.key: row
            for row in grid_rows(outcome, [first.plus(i) for i in range(12)], values, sources)
        }
        titles = [sources.title(cell.sources) for cell in rows["committee_meeting"].cells[:4]]
        listed = sources.listed()
    assert [row["file"] for row in listed] == ["month-0.csv", "month-1.csv", "month-2.csv"]
    assert [title.split(", ")[1] for title in titles[:3]] == [
        "month-0.csv",
        "month-1.csv",
        "month-2.csv",
    ]
    assert titles[3] == ""  # a month without a record names no import
    assert len(formatted) == 3
