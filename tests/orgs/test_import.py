from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from leitai.accounts.models import Role
from leitai.core.imports import ImportRejected, StalePlan
from leitai.core.tabular import FileProblem
from leitai.core.workbooks import workbook_bytes
from leitai.orgs.importing import HEADERS_ZH, OrgImporter
from leitai.orgs.models import Unit
from tests.factories import make_user, small_city

pytestmark = pytest.mark.django_db

HEADER_EN = ["code", "name", "parent_code", "kind", "sector", "secretary", "evaluating_unit"]
ROOT = ["370200", "中共青岛市委", "", "党委", "其他", "", ""]
DISTRICT = ["370202", "中共青岛市市南区委", "370200", "党委", "其他", "", ""]
STREET = ["37020201", "金湖路街道党工委", "370202", "党工委", "城市社区", "李明", ""]
BRANCH = ["3702020101", "泰州路居民区党支部", "37020201", "党支部", "城市社区", "郑素秀", ""]
VALID = [ROOT, DISTRICT, STREET, BRANCH]
BAD_CODE = "Only letters A–Z and a–z, digits and - _ . are allowed in a code."


def write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADERS_ZH, encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def superuser() -> object:
    from leitai.accounts.models import User

    return User.objects.filter(username="root-admin").first() or make_user(
        "root-admin", superuser=True
    )


def apply(path: Path, actor: object = None, prune: bool = False) -> dict[str, int]:
    with translation.override("en"):
        plan = OrgImporter().apply(
            path,
            path.name,
            actor=actor or superuser(),
            prune=prune,
            progress=lambda *a: None,
            expected_digest=None,
        )
    return plan.counts


def check(path: Path, actor: object = None, prune: bool = False, name: str = ""):
    with translation.override("en"):
        return OrgImporter().check(
            path,
            name or path.name,
            actor=actor or superuser(),
            prune=prune,
            progress=lambda *a: None,
        )


def problems_of(path: Path, **kwargs: object) -> list[tuple[int, str, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        check(path, **kwargs)
    return [(p.row, p.column, p.value, p.reason) for p in caught.value.problems]


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "parent_id", "path", "kind", "sector", "is_evaluating", "counts"
        )
    )


def test_import_creates_the_tree_with_paths_counts_and_defaults(tmp_path: Path) -> None:
    counts = apply(write_csv(tmp_path / "orgs.csv", VALID))
    assert counts["create"] == 4
    branch = Unit.objects.get(code="3702020101")
    assert branch.depth == 3
    assert branch.parent.code == "37020201"
    assert branch.secretary == "郑素秀"
    assert branch.kind == "branch"
    assert branch.sector == "urban_community"
    assert Unit.objects.get(code="370202").is_evaluating  # the root's child, by default
    assert not Unit.objects.get(code="37020201").is_evaluating
    assert Unit.objects.get(code="370200").counts == {
        "total": 4,
        "sector": {"other": 2, "urban_community": 2},
        "kind": {"committee": 2, "working_committee": 1, "branch": 1},
    }


def test_children_may_come_before_their_parents(tmp_path: Path) -> None:
    apply(write_csv(tmp_path / "orgs.csv", list(reversed(VALID))))
    assert Unit.objects.get(code="3702020101").path.startswith(Unit.objects.get(code="370200").path)


def test_english_headers_and_codes_are_accepted(tmp_path: Path) -> None:
    rows = [
        ["1", "Root", "", "committee", "other", "", "no"],
        ["2", "Child", "1", "branch", "school", "", "yes"],
    ]
    apply(write_csv(tmp_path / "orgs.csv", rows, header=HEADER_EN))
    assert Unit.objects.get(code="2").sector == "school"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_as_excel_writes_them(tmp_path: Path, encoding: str) -> None:
    apply(write_csv(tmp_path / "orgs.csv", VALID, encoding=encoding))
    assert Unit.objects.get(code="3702020101").name == "泰州路居民区党支部"


def test_xlsx_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook_bytes(HEADERS_ZH, VALID))
    apply(path)
    assert Unit.objects.count() == 4


def _with_cached_value(content: bytes, cell: str, value: str) -> bytes:
    """The workbook with `value` stored as the formula's cached result, as Excel saves it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                data = (
                    text[:start] + f'<c r="{cell}" t="str">{formula}<v>{value}</v>' + text[end:]
                ).encode()
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("cached", [None, "中共青岛市委"], ids=["no cached value", "cached value"])
def test_a_formula_cell_is_refused_naming_the_cell(tmp_path: Path, cached: str | None) -> None:
    small_city()
    before = snapshot()
    content = workbook_bytes(
        HEADERS_ZH, [["9", '=CONCAT("中共", "青岛市委")', "370200", "党委", "其他"]]
    )
    if cached is not None:
        content = _with_cached_value(content, "B2", cached)
        cached_book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        assert cached_book.active["B2"].value == cached
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as refused:
        check(path)
    assert str(refused.value) == (
        'Cell B2 holds a formula (=CONCAT("中共", "青岛市委")); formulas are not read. Save the '
        "sheet as values (copy it, then paste special → values) and upload again."
    )
    with translation.override("zh-hans"), pytest.raises(FileProblem, match=r"^单元格 B2 是公式"):
        OrgImporter().check(
            path, path.name, actor=superuser(), prune=False, progress=lambda *a: None
        )
    assert snapshot() == before


def test_numeric_codes_typed_in_excel_stay_whole_numbers(tmp_path: Path) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook_bytes(HEADERS_ZH, [[370200, "中共青岛市委", None, "党委", "其他"]]))
    apply(path)
    assert Unit.objects.get().code == "370200"


ERROR_CASES = [
    pytest.param(
        [ROOT, ROOT], [(3, "编码", "370200", "Duplicate code: also on row 2.")], id="duplicate-code"
    ),
    pytest.param(
        [ROOT, ["9", "孤儿", "404", "党支部", "农村", "", ""]],
        [(3, "上级编码", "404", "Unknown parent code: not in the file nor among stored units.")],
        id="unknown-parent",
    ),
    pytest.param(
        [
            ROOT,
            ["a", "甲", "b", "党支部", "农村", "", ""],
            ["b", "乙", "a", "党支部", "农村", "", ""],
        ],
        [(3, "上级编码", "b", "Cycle: a → b → a."), (4, "上级编码", "a", "Cycle: b → a → b.")],
        id="cycle",
    ),
    pytest.param(
        [["s", "自己", "s", "党支部", "农村", "", ""]],
        [(2, "上级编码", "s", "A unit cannot be its own parent.")],
        id="self-parent",
    ),
    pytest.param(
        [["k", "甲", "", "支部", "农村", "", ""]],
        [
            (
                2,
                "类型",
                "支部",
                "Unknown kind; allowed: 党委、党工委、工委、党组、党总支、党支部、其他.",
            )
        ],
        id="unknown-kind",
    ),
    pytest.param(
        [["k", "甲", "", "党支部", "农业", "", ""]],
        [
            (
                2,
                "领域",
                "农业",
                "Unknown sector; allowed: 农村、城市社区、国有企业、两新组织、"
                "机关事业单位、学校、其他.",
            )
        ],
        id="unknown-sector",
    ),
    pytest.param(
        [["k", "", "", "党支部", "农村", "", ""]],
        [(2, "名称", "", "The name is empty.")],
        id="empty-name",
    ),
    pytest.param(
        [["", "甲", "", "党支部", "农村", "", ""]],
        [(2, "编码", "", "The code is empty.")],
        id="empty-code",
    ),
    pytest.param(
        [["k", "名" * 201, "", "党支部", "农村", "", ""]],
        [(2, "名称", "名" * 201, "Longer than 200 characters.")],
        id="name-too-long",
    ),
    pytest.param(
        [["k" * 65, "甲", "", "党支部", "农村", "", ""]],
        [(2, "编码", "k" * 65, "Longer than 64 characters.")],
        id="code-too-long",
    ),
    pytest.param(
        [["k", "甲", "", "党支部", "农村", "书" * 65, ""]],
        [(2, "书记", "书" * 65, "Longer than 64 characters.")],
        id="secretary-too-long",
    ),
    pytest.param(
        [["k", "甲", "", "党支部", "农村", "", "也许"]],
        [(2, "初评单位", "也许", "Write 是 or 否, or leave it empty for the default.")],
        id="bad-flag",
    ),
    pytest.param(
        [["T-XSS/3", "甲", "", "党支部", "农村", "", ""]],
        [(2, "编码", "T-XSS/3", BAD_CODE)],
        id="slash-in-code",
    ),
    pytest.param(
        [["３７０２", "甲", "", "党支部", "农村", "", ""]],
        [(2, "编码", "３７０２", BAD_CODE)],
        id="full-width-digits-in-code",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), ERROR_CASES)
def test_each_error_names_row_column_value_reason_and_changes_nothing(
    tmp_path: Path, rows: list[list[str]], expected: list[tuple[int, str, str, str]]
) -> None:
    small_city()
    before = snapshot()
    assert problems_of(write_csv(tmp_path / "orgs.csv", rows)) == expected
    with pytest.raises(ImportRejected):
        apply(write_csv(tmp_path / "orgs.csv", rows))
    assert snapshot() == before


def test_all_errors_are_reported_together(tmp_path: Path) -> None:
    rows = [
        ROOT,
        ["x", "", "nope", "党", "其他", "", ""],
        ["c1", "环", "c2", "党委", "其他", "", ""],
        ["c2", "环", "c1", "党委", "其他", "", ""],
    ]
    found = problems_of(write_csv(tmp_path / "orgs.csv", rows))
    assert [(row, column) for row, column, _v, _r in found] == [
        (3, "上级编码"),
        (3, "名称"),
        (3, "类型"),
        (4, "上级编码"),
        (5, "上级编码"),
    ]


def test_a_child_of_a_faulty_row_is_told_why(tmp_path: Path) -> None:
    rows = [["p", "", "", "党委", "其他", "", ""], ["c", "子", "p", "党支部", "农村", "", ""]]
    assert problems_of(write_csv(tmp_path / "orgs.csv", rows)) == [
        (2, "名称", "", "The name is empty."),
        (3, "上级编码", "p", "The parent’s own row has errors."),
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "orgs.csv", "The file is empty."),
        (b"\x00\x01\x02binary", "orgs.csv", "The file is not a spreadsheet (.xlsx or .csv)."),
        (b"not a zip", "orgs.xlsx", "The file is named .xlsx but is not an Excel workbook."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
            "orgs.xls",
            "This is an Excel 97-2003 (.xls) file; save it as .xlsx or CSV and upload again.",
        ),
        (
            "编码,名称\n1,甲\n".encode(),
            "orgs.csv",
            "The header row lacks required columns: 上级编码 / parent_code; 类型 / kind; "
            "领域 / sector.",
        ),
        (
            b"\xff\xfe\xfa\xfb\xfc",
            "orgs.csv",
            "The file is neither UTF-8 nor GB18030 text, nor an .xlsx workbook.",
        ),
    ],
)
def test_file_problems_are_named_and_change_nothing(
    tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    small_city()
    before = snapshot()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(
        FileProblem,
        match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.") + "$",
    ):
        check(path)
    assert snapshot() == before


def test_header_only_file_is_rejected(tmp_path: Path) -> None:
    assert problems_of(write_csv(tmp_path / "orgs.csv", [])) == [
        (1, "", "", "The file has a header but no rows.")
    ]


def test_reimport_previews_renames_moves_and_absent_units(tmp_path: Path) -> None:
    apply(
        write_csv(
            tmp_path / "orgs.csv",
            [*VALID, ["370285", "中共莱西市委", "370200", "党委", "其他", "", ""]],
        )
    )
    renamed_moved = [
        "37020201",
        "金湖路街道党工委（新）",
        "370285",
        "党工委",
        "城市社区",
        "李明",
        "",
    ]
    rows = [
        ROOT,
        DISTRICT,
        renamed_moved,
        BRANCH,
        ["x9", "新支部", "370202", "党支部", "学校", "", ""],
    ]
    plan = check(write_csv(tmp_path / "orgs2.csv", rows))
    assert plan.counts == {
        "rows": 5,
        "create": 1,
        "rename": 1,
        "move": 1,
        "update": 0,
        "unchanged": 3,
        "absent": 1,
        "prune": 0,
    }
    assert plan.samples["rename"] == [["37020201", "金湖路街道党工委", "金湖路街道党工委（新）"]]
    assert plan.samples["move"] == [["37020201", "370202", "370285"]]
    assert plan.samples["absent"] == [["370285"]]
    assert plan.samples["create"] == [["x9", "新支部", "370202"]]
    counts = apply(write_csv(tmp_path / "orgs2.csv", rows))
    assert counts["move"] == 1
    assert Unit.objects.get(code="3702020101").path.startswith(Unit.objects.get(code="370285").path)
    assert Unit.objects.get(code="370285").counts["total"] == 3
    assert Unit.objects.get(code="370202").counts["total"] == 2
    assert Unit.objects.filter(code="370285").exists()  # absent but kept


def test_prune_removes_absent_units(tmp_path: Path) -> None:
    apply(write_csv(tmp_path / "orgs.csv", VALID))
    plan = check(write_csv(tmp_path / "orgs2.csv", [ROOT, DISTRICT]), prune=True)
    assert plan.counts["prune"] == 2
    apply(write_csv(tmp_path / "orgs2.csv", [ROOT, DISTRICT]), prune=True)
    assert set(Unit.objects.values_list("code", flat=True)) == {"370200", "370202"}
    assert Unit.objects.get(code="370200").counts["total"] == 2


def test_prune_refuses_units_holding_memberships(tmp_path: Path) -> None:
    apply(write_csv(tmp_path / "orgs.csv", VALID))
    make_user("sec", role=Role.SECRETARY, unit=Unit.objects.get(code="3702020101"))
    assert problems_of(write_csv(tmp_path / "orgs2.csv", [ROOT, DISTRICT, STREET]), prune=True) == [
        (1, "编码", "3702020101", "Cannot prune this unit: 1 account membership(s) refer to it.")
    ]


def test_stale_preview_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", VALID)
    plan = check(path)
    apply(
        write_csv(
            tmp_path / "other.csv", [["370200", "中共青岛市委（改）", "", "党委", "其他", "", ""]]
        )
    )
    with pytest.raises(StalePlan), translation.override("en"):
        OrgImporter().apply(
            path,
            path.name,
            actor=superuser(),
            prune=False,
            progress=lambda *a: None,
            expected_digest=plan.digest,
        )


def test_organiser_may_import_only_inside_their_subtree(tmp_path: Path) -> None:
    city = small_city()
    organiser = make_user("district", role=Role.ORGANISER, unit=city["shinan"])
    inside = [["37020299", "新街道", "370202", "党工委", "城市社区", "", ""]]
    assert check(write_csv(tmp_path / "in.csv", inside), actor=organiser).counts["create"] == 1
    outside = [["37028599", "外面", "370285", "党委", "农村", "", ""]]
    assert problems_of(write_csv(tmp_path / "out.csv", outside), actor=organiser) == [
        (
            2,
            "编码",
            "37028599",
            "Outside your scope: you may change only units below the units you organise.",
        )
    ]


# -- building rows ahead of the insert ----------------------------------------------------------


def test_rows_built_ahead_arrive_in_order_and_a_builder_error_reaches_the_caller() -> None:
    from leitai.orgs.importing.writing import built_ahead

    batches = [[(i,)] for i in range(50)]
    assert list(built_ahead(iter(batches))) == batches

    def failing() -> Iterator[list[tuple[int]]]:
        yield [(1,)]
        raise ValueError("cannot build")

    batches_built = built_ahead(failing())
    assert next(batches_built) == [(1,)]
    with pytest.raises(ValueError, match="cannot build"):
        next(batches_built)


def test_a_caller_that_stops_early_leaves_no_builder_waiting() -> None:
    import threading

    from leitai.orgs.importing.writing import built_ahead

    def endless() -> Iterator[list[tuple[int]]]:
        number = 0
        while True:
            number += 1
            yield [(number,)]

    before = threading.active_count()
    batches = built_ahead(endless(), depth=2)
    assert next(batches) == [(1,)]
    batches.close()  # what a failed insert does: the generator's finally stops the builder
    assert threading.active_count() == before


def test_the_collector_is_paused_only_while_rows_are_inserted() -> None:
    import gc

    from leitai.orgs.importing.writing import collector_paused

    def fail_inside() -> None:
        with collector_paused():
            assert not gc.isenabled()
            raise RuntimeError

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        fail_inside()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
