"""The demo city and generated trees: their size, their shape, and the article's units in them.

No database: the rows are checked as the importer will read them.
"""

from __future__ import annotations

import csv
import statistics
import tracemalloc
from collections import Counter
from itertools import islice
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leitai.demo import generate
from leitai.demo.generate import DEMO_UNITS, HEADERS_ZH, Row, demo_rows, generated_rows
from leitai.demo.management.commands.gen_orgs import Command

KINDS = {"党委", "党工委", "工委", "党组", "党总支", "党支部", "其他"}
SECTORS = {"农村", "城市社区", "国有企业", "两新组织", "机关事业单位", "学校", "其他"}
SIX_SECTORS = SECTORS - {"其他"}
ROOT = "370200"
EVALUATING_NAMES = [
    "中共青岛市市南区委",
    "中共青岛市市北区委",
    "中共青岛市李沧区委",
    "中共青岛市崂山区委",
    "中共青岛西海岸新区工委（黄岛区委）",
    "中共青岛市城阳区委",
    "中共青岛市即墨区委",
    "中共胶州市委",
    "中共平度市委",
    "中共莱西市委",
    "中共青岛市直属机关工作委员会",
    "中共青岛市委教育工作委员会",
    "中共青岛市人民政府国有资产监督管理委员会委员会",
    "中共青岛市委非公有制经济组织和社会组织工作委员会",
]
DEMO = demo_rows()


def depths_of(rows: list[Row]) -> dict[str, int]:
    """Each code's depth (the root 0), asserting the tree invariants on the way."""
    depths: dict[str, int] = {}
    for code, name, parent, kind, sector, secretary, evaluating in rows:
        assert code not in depths, f"duplicate code {code}"
        if parent:
            assert parent in depths, f"{code} comes before its parent {parent}"
            depths[code] = depths[parent] + 1
        else:
            assert not depths, f"a second root {code}"
            depths[code] = 0
        assert 0 < len(code) <= 64
        assert 0 < len(name) <= 200
        assert len(secretary) <= 64
        assert kind in KINDS
        assert sector in SECTORS
        assert evaluating in {"是", "否"}
    return depths


def children_counts(rows: list[Row]) -> Counter[str]:
    return Counter(row[2] for row in rows if row[2])


def by_name(rows: list[Row]) -> dict[str, Row]:
    return {row[1]: row for row in rows}


def ancestors(rows: list[Row], code: str) -> list[str]:
    """Names from the root down to the unit's parent."""
    rows_by_code = {row[0]: row for row in rows}
    names: list[str] = []
    parent = rows_by_code[code][2]
    while parent:
        names.append(rows_by_code[parent][1])
        parent = rows_by_code[parent][2]
    return names[::-1]


# --- The demo city -------------------------------------------------------------------------------
def test_demo_rows_number_about_three_thousand() -> None:
    assert 2_800 <= len(DEMO) <= 3_200


def test_demo_rows_form_one_tree_top_down() -> None:
    depths = depths_of(DEMO)

    assert DEMO[0][:3] == [ROOT, "中共青岛市委", ""]
    assert max(depths.values()) == 4


def test_demo_rows_are_the_same_every_time() -> None:
    assert demo_rows() == DEMO


def test_demo_evaluating_units_are_exactly_the_root_children() -> None:
    evaluating = [row[1] for row in DEMO if row[6] == "是"]
    root_children = [row[1] for row in DEMO if row[2] == ROOT]

    assert evaluating == EVALUATING_NAMES
    assert root_children == EVALUATING_NAMES
    assert all(row[6] == "否" for row in DEMO if row[2] != ROOT)


@pytest.mark.parametrize(
    ("name", "path", "secretary"),
    [
        (
            "金湖路街道泰州路社区第五网格泰州路居民区党支部",
            ["中共青岛市委", "中共青岛市市南区委", "金湖路街道党工委", "金湖路街道泰州路社区党委"],
            "郑素秀",
        ),
        (
            "青岛微电子创新中心有限公司第一党支部",
            ["中共青岛市委", "中共青岛市崂山区委", "崂山区国资局党委",
             "青岛微电子创新中心有限公司党总支"],
            "张翠玉",
        ),
        (
            "全球财富开发建设有限公司综合党支部",
            ["中共青岛市委", "中共青岛市崂山区委", "崂山区国资局党委",
             "全球财富开发建设有限公司党委"],
            "黄俊德",
        ),
        (
            "黄岛区王台街道徐村党委",
            ["中共青岛市委", "中共青岛西海岸新区工委（黄岛区委）", "王台街道党工委"],
            "韩宗祥",
        ),
        (
            "莱西市税务局姜山税务所党支部",
            ["中共青岛市委", "中共莱西市委", "莱西市税务局党委"],
            "全胜文",
        ),
    ],
)  # fmt: skip
def test_demo_rows_place_the_article_units(name: str, path: list[str], secretary: str) -> None:
    row = by_name(DEMO)[name]

    assert ancestors(DEMO, row[0]) == path
    assert row[5] == secretary


def test_demo_rows_name_the_article_organisations() -> None:
    names = [row[1] for row in DEMO]

    assert any("青岛城投集团" in name for name in names)
    assert any("市委网信办" in name for name in names)
    assert by_name(DEMO)["黄岛区王台街道徐村党委"][3] == "党委"


def test_demo_units_point_at_the_units_their_keys_name() -> None:
    names = {row[0]: row[1] for row in DEMO}

    assert {key: names[code] for key, code in DEMO_UNITS.items()} == {
        "root": "中共青岛市委",
        "shinan": "中共青岛市市南区委",
        "jinhulu": "金湖路街道党工委",
        "taizhoulu_branch": "金湖路街道泰州路社区第五网格泰州路居民区党支部",
        "laixi": "中共莱西市委",
        "jiangshan_branch": "莱西市税务局姜山税务所党支部",
        "sasac": "中共青岛市人民政府国有资产监督管理委员会委员会",
        "chengtou": "青岛城投集团党委",
        "xucun": "黄岛区王台街道徐村党委",
        "cac": "中共青岛市委网信办机关党委",
    }


def test_demo_rows_cover_the_six_sectors_well() -> None:
    sectors = Counter(row[4] for row in DEMO)

    assert all(sectors[sector] >= 150 for sector in SIX_SECTORS), sectors


def test_demo_secretaries_are_names_below_the_evaluating_units() -> None:
    for row in DEMO:
        if row[0] == ROOT or row[2] == ROOT:
            assert row[5] == ""
        else:
            assert 2 <= len(row[5]) <= 3, row


def test_demo_codes_are_readable_and_hierarchical() -> None:
    for code, _name, parent, *_ in DEMO[15:]:
        assert code.startswith(parent)
        assert len(code) == len(parent) + 2
        assert len(code) <= 20


# --- Generated trees -----------------------------------------------------------------------------
@pytest.mark.parametrize("units", [1, 2, 15, 16, 1_000, 50_000])
def test_generated_rows_number_exactly_as_asked(units: int) -> None:
    rows = list(generated_rows(units, seed=1))

    assert len(rows) == units
    depths_of(rows)


def test_generated_rows_begin_with_the_root_and_the_evaluating_units() -> None:
    assert [row[1] for row in generated_rows(1, seed=1)] == ["中共青岛市委"]
    rows = list(generated_rows(15, seed=1))

    assert [row[1] for row in rows[1:]] == EVALUATING_NAMES
    assert all(row[2] == ROOT and row[6] == "是" for row in rows[1:])


def test_generated_rows_are_the_same_for_the_same_seed() -> None:
    assert list(generated_rows(5_000, seed=7)) == list(generated_rows(5_000, seed=7))


def test_generated_rows_differ_between_seeds() -> None:
    assert list(generated_rows(5_000, seed=7)) != list(generated_rows(5_000, seed=8))


def test_generated_rows_cover_every_sector() -> None:
    sectors = Counter(row[4] for row in generated_rows(1_000, seed=1))

    assert all(sectors[sector] >= 30 for sector in SIX_SECTORS), sectors


def test_generated_rows_mark_only_the_root_children_as_evaluating() -> None:
    rows = list(generated_rows(10_000, seed=2))

    evaluating = [row[1] for row in rows if row[6] == "是"]

    assert evaluating == [row[1] for row in rows if row[2] == ROOT] == EVALUATING_NAMES


def test_generated_rows_refuse_an_empty_tree() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next(generated_rows(0, seed=1))


@pytest.fixture(scope="module")
def large_tree() -> list[Row]:
    return list(generated_rows(200_000, seed=1))


def test_large_tree_is_one_tree_top_down(large_tree: list[Row]) -> None:
    depths = depths_of(large_tree)

    assert 5 <= max(depths.values()) <= 8
    assert max(len(row[0]) for row in large_tree) <= 32


def test_large_tree_fans_out_like_a_real_one(large_tree: list[Row]) -> None:
    children = children_counts(large_tree)

    assert max(children.values()) <= generate.MAX_FANOUT
    assert 4 <= statistics.median(children.values()) <= 60


def test_large_tree_names_vary(large_tree: list[Row]) -> None:
    names = [row[1] for row in large_tree]

    # Two characters find many units, four very few: what the search benchmark relies on.
    assert sum("社区" in name for name in names) > 10_000
    assert 10 <= sum("泰州" in name for name in names) <= 5_000
    assert len(set(names)) > len(names) * 0.9


def test_generated_rows_stream_in_constant_memory() -> None:
    rows = generated_rows(10**9, seed=1)  # a billion: only streaming could start at all
    tracemalloc.start()
    try:
        for _row in islice(rows, 30_000):
            pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 2 * 1024 * 1024


def test_names_never_need_csv_quoting(large_tree: list[Row]) -> None:
    # gen-orgs joins fields with commas by hand; this is what makes that safe. Every name is
    # built from the module's word lists, so checking them covers every seed and size.
    words: list[str] = []
    constants = {key: value for key, value in vars(generate).items() if key.isupper()}
    for key, value in constants.items():
        if isinstance(value, str) and not key.startswith("_"):  # not the district list's source
            words.append(value)
        elif isinstance(value, tuple):
            words += [word for word in value if isinstance(word, str)]
    words += [name for units in generate.DISTRICT_UNITS.values() for name, _rural in units]
    names = "\t".join(map("\t".join, [*DEMO, *large_tree]))

    for special in ',"\r\n':
        assert not any(special in word for word in words), repr(special)
        assert special not in names, repr(special)


# --- leitai gen-orgs -----------------------------------------------------------------------------
def test_gen_orgs_writes_a_csv_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "units.csv"

    call_command(Command(), "--units", "2500", "--seed", "3", "--out", str(out))

    with out.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header == HEADERS_ZH
    assert rows == list(generated_rows(2_500, seed=3))


def test_gen_orgs_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(Command(), "--units", "20", "--out", "-")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(HEADERS_ZH)
    assert lines[1:] == [",".join(row) for row in generated_rows(20, seed=1)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--units", "0"], "--units must be at least 1, not 0"),
        (["--units", "ten"], "--units must be a whole number, not 'ten'"),
        (["--units", "5", "--seed", "1.5"], "--seed must be a whole number, not '1.5'"),
        (["--units", "5", "--out", "/nonexistent/dir/units.csv"], "cannot write /nonexistent/"),
    ],
)
def test_gen_orgs_rejects_bad_values(arguments: list[str], message: str) -> None:
    if "--out" not in arguments:
        arguments = [*arguments, "--out", "-"]

    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command(Command(), *arguments)


def test_demo_facts_are_realistic_and_read_by_the_import_s_parsers() -> None:
    import datetime as dt

    from leitai.demo.generate import with_facts
    from leitai.orgs.facts import parse_founded, parse_members, parse_party_groups

    rows = with_facts(DEMO, (2026, 12, 4))
    assert [row[:7] for row in rows] == DEMO  # names and codes are the demo city's
    assert with_facts(DEMO, (2026, 12, 4)) == rows
    today = dt.date(2026, 12, 4)
    founded = {r[0]: parse_founded(r[7], today=today) for r in rows}
    members = {r[0]: parse_members(r[8]) for r in rows}
    groups = {r[0]: parse_party_groups(r[9]) for r in rows}
    for code, _name, parent, *_ in rows:
        if parent and founded[code] and founded[parent]:
            assert founded[code] >= founded[parent], code
    years = Counter(d.year // 10 * 10 for d in founded.values() if d)
    assert set(years) >= {1950, 1970, 1990, 2010, 2020}
    recent = [d for d in founded.values() if d and d >= dt.date(2025, 12, 1)]
    assert 10 <= len(recent) <= len(rows) // 10
    branches = [r[0] for r in rows if r[3] == "党支部" and members[r[0]] is not None]
    big = [code for code in branches if members[code] >= 10]  # type: ignore[operator]
    assert sum(1 for code in big if groups[code]) > 0.7 * len(big)
    small = [code for code in branches if members[code] < 10]  # type: ignore[operator]
    assert sum(1 for code in small if groups[code]) < 0.3 * len(small)
    assert 3 <= sum(1 for v in founded.values() if v is None) <= len(rows) // 10
    assert 3 <= sum(1 for v in members.values() if v is None) <= len(rows) // 10
    assert members["370200"] > 10_000  # the city committee counts everyone below it


def test_gen_orgs_facts_adds_the_fact_columns_the_import_reads(tmp_path: Path) -> None:
    import datetime as dt

    from leitai.demo.generate import FACT_HEADERS_ZH
    from leitai.orgs.facts import parse_founded, parse_members, parse_party_groups

    out = tmp_path / "units.csv"
    call_command(Command(), "--units", "3000", "--seed", "3", "--facts", "--out", str(out))

    with out.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header == [*HEADERS_ZH, *FACT_HEADERS_ZH]
    assert [row[:7] for row in rows] == list(generated_rows(3_000, seed=3))  # the same tree
    today = dt.date(2026, 1, 1)
    founded = {row[0]: parse_founded(row[7], today=today) for row in rows}
    for code, _name, parent, *_ in rows:
        if parent and founded[code] and founded[parent]:
            assert founded[code] > founded[parent], code
    members = [parse_members(row[8]) for row in rows]
    groups = [parse_party_groups(row[9]) for row in rows]
    assert 0 < sum(1 for v in founded.values() if v is None) < len(rows) // 10
    assert 0 < sum(1 for v in members if v is None) < len(rows) // 10
    assert sum(1 for v in groups if v) > len(rows) // 2
