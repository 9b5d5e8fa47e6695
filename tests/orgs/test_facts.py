"""A unit's facts (founding month, members, party groups): the parsers, the tree import with and
without the columns, the export's round trip, the unit page's form and the API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from leitai.accounts.models import Role
from leitai.core.imports import ImportRejected
from leitai.core.workbooks import workbook_bytes
from leitai.orgs.exporting import export_rows
from leitai.orgs.facts import FactError, parse_founded, parse_members, parse_party_groups
from leitai.orgs.importing import HEADERS_ZH
from leitai.orgs.models import Unit
from leitai.orgs.services import set_unit_facts
from tests.factories import PASSWORD, make_user, small_city
from tests.orgs.test_import import apply, check, write_csv

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)
OLD_HEADER = HEADERS_ZH[:7]  # a file from before the facts
FACTS_EN = ["founded", "members", "has_party_groups"]
ROOT = ["370200", "中共青岛市委", "", "党委", "其他", "", ""]
DISTRICT = ["370202", "中共青岛市市南区委", "370200", "党委", "其他", "", ""]
BRANCH = ["3702020101", "泰州路居民区党支部", "370202", "党支部", "城市社区", "郑素秀", ""]


def facts_of(code: str) -> tuple[object, ...]:
    return tuple(
        Unit.objects.filter(code=code).values_list("founded", "members", "has_party_groups").get()
    )


# -- the parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2019-03",
        "2019-3",
        "2019-03-15",
        "2019/3/15",
        "2019/3",
        "2019.03",
        "2019年3月",
        "2019年03月",
        "2019年3月15日",
        "2019-03-15 00:00:00",  # an .xlsx date cell as the sheet reader gives it
        " 2019-03 ",
    ],
)
def test_each_written_form_of_a_founding_month_is_its_first_day(text: str) -> None:
    assert parse_founded(text, today=TODAY) == dt.date(2019, 3, 1)


def test_the_bounds_of_a_founding_month() -> None:
    assert parse_founded("1921-07", today=TODAY) == dt.date(1921, 7, 1)
    assert parse_founded("2026-12", today=TODAY) == dt.date(2026, 12, 1)
    assert parse_founded("2026-12-04", today=TODAY) == dt.date(2026, 12, 1)
    assert parse_founded("", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("March 2019", "Not a month"),
        ("2019", "Not a month"),
        ("19-03", "Not a month"),
        ("2019-03-15 12", "Not a month"),
        ("2019-13", "No such date"),
        ("2019-00", "No such date"),
        ("2019-02-30", "No such date"),
        ("2026-12-05", "In the future"),
        ("2027-01", "In the future"),
        ("1921-06", "Before July 1921"),
        ("1921-06-30", "Before July 1921"),
        ("1900年1月", "Before July 1921"),
    ],
)
def test_a_founding_month_is_refused_with_its_reason(text: str, reason: str) -> None:
    with translation.override("en"), pytest.raises(FactError, match=reason):
        parse_founded(text, today=TODAY)


def test_members_are_a_whole_number_from_zero() -> None:
    assert parse_members("0") == 0
    assert parse_members(" 35 ") == 35
    assert parse_members("") is None
    for text in ["-1", "3.5", "十", "1e3", "12人", "１２", "+3"]:
        with translation.override("en"), pytest.raises(FactError, match="whole number"):
            parse_members(text)
    with translation.override("en"), pytest.raises(FactError, match="More than"):
        parse_members("10000001")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("有", True),
        ("yes", True),
        ("YES", True),
        ("true", True),
        ("1", True),
        ("否", False),
        ("无", False),
        ("no", False),
        ("False", False),
        ("0", False),
        ("", None),
        ("  ", None),
    ],
)
def test_party_groups_words(text: str, value: bool | None) -> None:
    assert parse_party_groups(text) is value


def test_party_groups_refuses_other_words() -> None:
    with translation.override("en"), pytest.raises(FactError, match="是 or 否"):
        parse_party_groups("maybe")


# -- the import ---------------------------------------------------------------------------------


def test_the_import_reads_the_facts_with_chinese_headers(tmp_path: Path) -> None:
    rows = [
        [*ROOT, "1949-10", "120000", ""],
        [*DISTRICT, "1950年3月", "", "否"],
        [*BRANCH, "2019/3/15", "23", "是"],
    ]
    apply(write_csv(tmp_path / "orgs.csv", rows))
    assert facts_of("370200") == (dt.date(1949, 10, 1), 120000, None)
    assert facts_of("370202") == (dt.date(1950, 3, 1), None, False)
    assert facts_of("3702020101") == (dt.date(2019, 3, 1), 23, True)


def test_the_import_reads_english_headers_any_order_and_an_excel_date_cell(
    tmp_path: Path,
) -> None:
    header = ["members", "code", "name", "parent_code", "kind", "sector", "founded", "party groups"]
    header[-1] = "has_party_groups"
    rows = [
        ["", "1", "Root", "", "committee", "other", dt.datetime(1984, 5, 20), "no"],
        ["12", "2", "Child", "1", "branch", "school", dt.datetime(2001, 9, 1), "yes"],
    ]
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook_bytes(header, rows))
    apply(path)
    assert facts_of("1") == (dt.date(1984, 5, 1), None, False)
    assert facts_of("2") == (dt.date(2001, 9, 1), 12, True)


def test_a_bad_fact_is_a_row_error_naming_row_column_value_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    rows = [
        [*ROOT, "1949-10", "", ""],
        [*DISTRICT, "1911-10", "many", "maybe"],
        [*BRANCH, "2999-01", "-3", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        check(write_csv(tmp_path / "orgs.csv", rows))
    found = [(p.row, p.column, p.value, p.reason) for p in caught.value.problems]
    assert found == [
        (3, "党员人数", "many", "Not a whole number of 0 or more."),
        (3, "成立时间", "1911-10", "Before July 1921, when the Party was founded."),
        (
            3,
            "是否设党小组",
            "maybe",
            "Write 是 or 否 (有 or 无), or leave it empty when not known.",
        ),
        (4, "党员人数", "-3", "Not a whole number of 0 or more."),
        (4, "成立时间", "2999-01", "In the future."),
    ]
    with pytest.raises(ImportRejected):
        apply(write_csv(tmp_path / "orgs.csv", rows))
    assert not Unit.objects.exists()


def test_a_fact_repeated_on_many_rows_is_read_the_same_and_a_bad_one_named_on_each(
    tmp_path: Path,
) -> None:
    # The import reads each distinct text once: a repeated good text must give every row the
    # same value, and a repeated bad one must still be named on every row it stands on.
    branches = [
        [
            f"37020201{i:02d}",
            f"支部{i}",
            "370202",
            "党支部",
            "城市社区",
            "",
            "",
            "2019-03",
            "23",
            "是",
        ]
        for i in range(1, 5)
    ]
    good = [[*ROOT, "1949-10", "23", "是"], [*DISTRICT, "2019-03", "", ""], *branches]
    apply(write_csv(tmp_path / "orgs.csv", good))
    for code in ["3702020101", "3702020102", "3702020103", "3702020104"]:
        assert facts_of(code) == (dt.date(2019, 3, 1), 23, True)
    assert facts_of("370202") == (dt.date(2019, 3, 1), None, None)

    bad = [*good[:2], *[[*row[:7], "2019-13", "x", "是"] for row in branches]]
    with pytest.raises(ImportRejected) as caught:
        check(write_csv(tmp_path / "orgs.csv", bad))
    found = [(p.row, p.column, p.value) for p in caught.value.problems]
    assert found == [
        (row, column, value)
        for row in range(4, 8)
        for column, value in (("党员人数", "x"), ("成立时间", "2019-13"))
    ]


def test_a_file_without_the_columns_imports_as_before_and_keeps_stored_facts(
    tmp_path: Path,
) -> None:
    apply(write_csv(tmp_path / "old.csv", [ROOT, DISTRICT, BRANCH], header=OLD_HEADER))
    assert facts_of("3702020101") == (None, None, None)
    branch = Unit.objects.get(code="3702020101")
    set_unit_facts(unit=branch, founded=dt.date(2019, 3, 1), members=23, has_party_groups=True)
    renamed = [*BRANCH[:1], "泰州路社区党支部", *BRANCH[2:]]
    plan = check(write_csv(tmp_path / "old2.csv", [ROOT, DISTRICT, renamed], header=OLD_HEADER))
    assert plan.counts["rename"] == 1
    assert plan.counts["update"] == 0
    apply(write_csv(tmp_path / "old2.csv", [ROOT, DISTRICT, renamed], header=OLD_HEADER))
    assert facts_of("3702020101") == (dt.date(2019, 3, 1), 23, True)


def test_only_the_fact_columns_a_file_has_are_written_and_an_empty_cell_means_unknown(
    tmp_path: Path,
) -> None:
    apply(write_csv(tmp_path / "a.csv", [ROOT, DISTRICT, BRANCH], header=OLD_HEADER))
    branch = Unit.objects.get(code="3702020101")
    set_unit_facts(unit=branch, founded=dt.date(2019, 3, 1), members=23, has_party_groups=True)
    # Only the members column: 30 for the branch; the founding month and groups stay.
    header = [*OLD_HEADER, "党员人数"]
    rows = [[*ROOT, ""], [*DISTRICT, ""], [*BRANCH, "30"]]
    plan = check(write_csv(tmp_path / "b.csv", rows, header=header))
    assert plan.counts["update"] == 1
    assert plan.samples["update"] == [["3702020101", "members"]]
    apply(write_csv(tmp_path / "b.csv", rows, header=header))
    assert facts_of("3702020101") == (dt.date(2019, 3, 1), 30, True)
    # The founding month column present but empty: the month becomes unknown.
    header = [*OLD_HEADER, "成立时间"]
    apply(write_csv(tmp_path / "c.csv", [[*ROOT, ""], [*DISTRICT, ""], [*BRANCH, ""]], header))
    assert facts_of("3702020101") == (None, 30, True)


def test_an_export_imports_back_unchanged(tmp_path: Path) -> None:
    rows = [
        [*ROOT, "1949-10", "120000", ""],
        [*DISTRICT, "", "", "否"],
        [*BRANCH, "2019-03-15", "0", "是"],
    ]
    apply(write_csv(tmp_path / "orgs.csv", rows))
    before = sorted(Unit.objects.values_list("code", "founded", "members", "has_party_groups"))
    exported = [[str(cell) for cell in row] for row in export_rows(Unit.objects.get(code="370200"))]
    assert exported[2][7:] == ["2019-03", "0", "是"]
    assert exported[1][7:] == ["", "", "否"]
    for name, content in [
        ("export.csv", None),
        ("export.xlsx", workbook_bytes(HEADERS_ZH, exported)),
    ]:
        path = tmp_path / name
        if content is None:
            write_csv(path, exported)
        else:
            path.write_bytes(content)
        plan = check(path)
        assert plan.counts["create"] == 0
        assert plan.counts["update"] == 0
        assert plan.counts["rename"] == 0
        assert plan.counts["unchanged"] == 3
        apply(path)
        after = sorted(Unit.objects.values_list("code", "founded", "members", "has_party_groups"))
        assert after == before


# -- the unit page and the API ------------------------------------------------------------------


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def facts_post(**values: str) -> dict[str, str]:
    data = {"founded": "", "members": "", "has_party_groups": ""} | values
    return {f"facts-{key}": value for key, value in data.items()}


def test_the_unit_page_shows_the_facts_in_the_page_language() -> None:
    city = small_city()
    set_unit_facts(
        unit=city["branch"], founded=dt.date(2019, 3, 1), members=1234, has_party_groups=False
    )
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_for("org")
    url = reverse("orgs:unit", args=["3702020101"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(url).content.decode()
    assert '<dd id="fact-founded">2019年3月</dd>' in page
    assert '<dd id="fact-members">1234</dd>' in page
    assert '<dd id="fact-party-groups">否</dd>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert '<dd id="fact-founded">March 2019</dd>' in page
    assert '<dd id="fact-members">1,234</dd>' in page
    assert '<dd id="fact-party-groups">No</dd>' in page
    unknown = client.get(reverse("orgs:unit", args=["3702850101"])).content.decode()
    assert '<dd id="fact-founded">Not known</dd>' in unknown
    assert '<dd id="fact-members">Not known</dd>' in unknown
    assert '<dd id="fact-party-groups">Not known</dd>' in unknown


def test_an_organiser_in_scope_edits_the_facts_with_the_import_s_parsing() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["shinan"])
    client = client_for("org")
    url = reverse("orgs:unit_facts", args=["3702020101"])
    assert "facts-form" in client.get(reverse("orgs:unit", args=["3702020101"])).content.decode()
    response = client.post(
        url, facts_post(founded="2019年3月", members="23", has_party_groups="是")
    )
    assert response.status_code == 302
    assert facts_of("3702020101") == (dt.date(2019, 3, 1), 23, True)
    # Refused: the page again with the reasons, nothing changed.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        url, facts_post(founded="2999-01", members="3.5", has_party_groups="maybe")
    )
    assert response.status_code == 400
    errors = response.context["facts_form"].errors
    assert errors["founded"] == ["In the future."]
    assert errors["members"] == ["Not a whole number of 0 or more."]
    assert "has_party_groups" in errors  # not one of the choices
    assert facts_of("3702020101") == (dt.date(2019, 3, 1), 23, True)
    # Emptied: unknown again.
    assert client.post(url, facts_post()).status_code == 302
    assert facts_of("3702020101") == (None, None, None)


def test_who_may_edit_the_facts() -> None:
    city = small_city()
    url = reverse("orgs:unit_facts", args=["3702020101"])
    data = facts_post(members="5")
    # The unit's own secretary sees the page but may not edit: 403, and no form shown.
    make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    secretary = client_for("sec")
    page = secretary.get(reverse("orgs:unit", args=["3702020101"])).content.decode()
    assert "facts-form" not in page
    assert secretary.post(url, data).status_code == 403
    # A reviewer over it sees it and may not edit either.
    make_user("rev", role=Role.REVIEWER, unit=city["shinan"])
    assert client_for("rev").post(url, data).status_code == 403
    # An organiser of another district: the unit does not exist for them.
    make_user("laixi-org", role=Role.ORGANISER, unit=city["laixi"])
    assert client_for("laixi-org").post(url, data).status_code == 404
    # An unknown code answers the same.
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    organiser = client_for("org")
    assert organiser.post(reverse("orgs:unit_facts", args=["nope"]), data).status_code == 404
    assert organiser.get(url).status_code == 405
    assert facts_of("3702020101") == (None, None, None)
    assert organiser.post(url, data).status_code == 302
    assert facts_of("3702020101") == (None, 5, None)


def test_the_units_api_returns_the_facts() -> None:
    city = small_city()
    set_unit_facts(
        unit=city["branch"], founded=dt.date(2019, 3, 1), members=23, has_party_groups=True
    )
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_for("org")
    body = json.loads(client.get("/api/orgs/units/3702020101").content)
    assert body["founded"] == "2019-03"
    assert body["members"] == 23
    assert body["has_party_groups"] is True
    assert body["code"] == "3702020101"
    assert body["path"][0]["code"] == "370200"
    unknown = json.loads(client.get("/api/orgs/units/3702850101").content)
    assert (unknown["founded"], unknown["members"], unknown["has_party_groups"]) == (
        None,
        None,
        None,
    )


# -- the record of edits ------------------------------------------------------------------------


def test_each_edit_is_on_the_ledger_and_shown_on_the_unit_page() -> None:
    from leitai.ledger.changes import history
    from leitai.orgs.audit import chain_of
    from tests.ledger.helpers import run_verify

    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["shinan"])
    client = client_for("org")
    url = reverse("orgs:unit_facts", args=["3702020101"])
    page_url = reverse("orgs:unit", args=["3702020101"])
    assert "facts-history" not in client.get(page_url).content.decode()
    client.post(url, facts_post(founded="2019-03", members="23", has_party_groups="是"))
    client.post(url, facts_post(founded="2019-03", members="25", has_party_groups="否"))
    client.post(url, facts_post(founded="2019-03", members="25", has_party_groups="否"))  # same
    refused = client.post(url, facts_post(members="x"))
    assert refused.status_code == 400
    changes = history(chain_of(city["branch"].pk))
    assert [c.changes for c in changes] == [
        {
            "members": {"old": 23, "new": 25},
            "has_party_groups": {"old": True, "new": False},
        },
        {
            "founded": {"old": None, "new": "2019-03"},
            "members": {"old": None, "new": 23},
            "has_party_groups": {"old": None, "new": True},
        },
    ]
    assert {c.actor for c in changes} == {"org"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(page_url).content.decode()
    assert "2 changes to the facts" in page
    assert "Members: 23 → 25" in page
    assert "Party groups (党小组): Yes → No" in page
    assert "Founded: Not known → 2019-03" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(page_url).content.decode()
    assert "基本情况修改记录 2 条" in page
    # Whoever sees the unit sees its history; the ledger verifies.
    make_user("sec", role=Role.SECRETARY, unit=city["branch"])
    assert "facts-history" in client_for("sec").get(page_url).content.decode()
    status, output = run_verify()
    assert status == 0, output
    assert f"ok    unit:{city['branch'].pk}  #2 " in output
