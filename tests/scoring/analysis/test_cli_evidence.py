"""`leitai stats honours` and `leitai stats daily`: the CSV/JSON and error contracts, in-process
through `main([...])`."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from leitai.scoring.analysis.cli import main
from leitai.scoring.daily import DailyRule, MetricKind, Month, daily_score
from leitai.scoring.honours import Honour, HonoursRule, honours_score, parse_level


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str | bytes, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


# --- honours -----------------------------------------------------------------------------------

HONOURS = (
    "unit,document,level,date\n"
    "U1,中组发〔2025〕1号,国家级,2025-07-01\n"
    "U1,青组字[2024] 3号,市级,2024-06-30\n"
    "U1,青组字（2024）3号,省级,2024-06-30\n"  # the same document higher: 8, not 5 + 8
    "U2,市南组〔2023〕9号,区（市）级,2023-12-04\n"  # on the window's open edge: out
    "U3,市南组〔2023〕10号,district,2023-12-05\n"  # its first day: in
    "U3,街道〔2026〕1号,镇级,2026-12-04\n"
    "U3,街道〔2026〕2号,街道,2026-12-05\n"  # after the reference date: out
)


def test_honours_csv_is_points_and_component_per_unit_in_first_appearance_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "stats", "honours", write(tmp_path, HONOURS), "--on", "2026-12-04")
    assert (code, err) == (0, "")
    assert out == "unit,points,component\nU1,15,100.00\nU2,0,0.00\nU3,4,26.67\n"


def test_honours_options_change_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HONOURS)
    code, out, _ = run(
        capsys,
        "stats",
        "honours",
        path,
        "--on",
        "2026-12-04",
        "--cap",
        "40",
        "--window-years",
        "4",
        "--points",
        "national=20,区级=4, street = 2",
    )
    assert code == 0
    # U1: 20 + 8 = 28 of 40 → 70; U2: 4 of 40 → 10; U3: 4 + 2 of 40 → 15
    assert out.splitlines()[1:] == ["U1,28,70.00", "U2,4,10.00", "U3,6,15.00"]


def test_honours_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HONOURS)
    code, out, _ = run(capsys, "stats", "honours", path, "--on", "2026-12-04", "--json")
    assert code == 0
    assert json.loads(out)["rows"] == [
        {"unit": "U1", "points": 15, "component": "100.00", "uncapped": 18, "capped": True},
        {"unit": "U2", "points": 0, "component": "0.00", "uncapped": 0, "capped": False},
        {"unit": "U3", "points": 4, "component": "26.67", "uncapped": 4, "capped": False},
    ]


def test_honours_29_february(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "unit,document,level,date\nA,D1,national,2025-02-28\nB,D1,national,2025-03-01\n"
    code, out, _ = run(capsys, "stats", "honours", write(tmp_path, text), "--on", "2028-02-29")
    assert (code, out) == (0, "unit,points,component\nA,0,0.00\nB,10,66.67\n")


def test_honours_encodings_and_xlsx_read_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    outputs = []
    for name, data in (
        ("utf8.csv", HONOURS.encode("utf-8")),
        ("bom.csv", b"\xef\xbb\xbf" + HONOURS.encode("utf-8")),
        ("gb.csv", HONOURS.encode("gb18030")),
    ):
        code, out, _ = run(
            capsys, "stats", "honours", write(tmp_path, data, name), "--on", "2026-12-04"
        )
        assert code == 0
        outputs.append(out)
    workbook = Workbook()
    sheet = workbook.active
    for number, line in enumerate(HONOURS.splitlines()):
        cells: list[object] = list(line.split(","))
        if number:
            cells[3] = datetime.fromisoformat(str(cells[3]))  # Excel's own dates
        sheet.append(cells)
    workbook.save(tmp_path / "h.xlsx")
    code, out, _ = run(capsys, "stats", "honours", str(tmp_path / "h.xlsx"), "--on", "2026-12-04")
    assert code == 0
    outputs.append(out)
    assert len(set(outputs)) == 1


HONOURS_BAD_FILES = [
    ("unit,document,date\nU1,D,2025-01-01\n", "line 1: missing column 'level'"),
    ("", "line 1: the file is empty"),
    ("unit,document,level,date\n", "line 2: no rows after the header"),
    ("unit,document,level,date\nU1,D,村级,2025-01-01\n", "line 2: level: “村级” is not a level"),
    ("unit,document,level,date\nU1,D,市级,2025-13-01\n", "line 2: date '2025-13-01' is not a date"),
    ("unit,document,level,date\nU1,,市级,2025-01-01\n", "line 2: empty document"),
    (
        "unit,document,level,date\nU1,D〔1〕,市级,2025-01-01\nU1,D[1],市级,2025-01-01\n",
        "line 3: duplicate honour (unit 'U1', document 'D[1]', level municipal); "
        "first given on line 2",
    ),
    (
        "unit,document,level,date\nU1,D〔1〕,市级,2025-01-01\nU1,D(1),省级,2025-01-02\n",
        "line 3: document 'D(1)' of unit 'U1' is dated 2025-01-02 here and 2025-01-01 on line 2",
    ),
]


@pytest.mark.parametrize(("text", "message"), HONOURS_BAD_FILES)
def test_honours_bad_files_are_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = run(capsys, "stats", "honours", path, "--on", "2026-12-04")
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {path}, {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--cap", "0"], "argument --cap: must be at least 1, got 0"),
        (["--cap", "-3"], "argument --cap: must be at least 1, got -3"),
        (["--cap", "x"], "argument --cap: expected a whole number, got 'x'"),
        (["--window-years", "0"], "argument --window-years: must be at least 1, got 0"),
        (["--points", "city=3"], "--points: “city” is not a level"),
        (["--points", "national=ten"], "--points.national: “ten” is not a whole number."),
        (["--points", "national=-1"], "--points.national: “-1” is less than 0."),
        (["--points", "national=1,国家级=2"], "--points: national given twice"),
        (["--points", "national"], "--points: expected LEVEL=POINTS,…, got 'national'"),
        (["--points", "national=1,"], "--points: expected LEVEL=POINTS,…, got ''"),
        (["--on", "2026-02-30"], "argument --on: expected YYYY-MM-DD, got '2026-02-30'"),
    ],
)
def test_honours_bad_options_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    path = write(tmp_path, HONOURS)
    argv = ["stats", "honours", path, *options]
    if "--on" not in options:
        argv += ["--on", "2026-12-04"]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {message}")
    assert err.count("\n") == 1


def test_honours_command_agrees_with_the_pure_rule_on_random_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(11)
    words = ["national", "省级", "市级", "区(市)级", "县级", "街道", "乡级"]
    lines = ["unit,document,level,date"]
    honours: dict[str, list[Honour]] = {}
    dates: dict[tuple[str, int], date] = {}
    for _ in range(400):
        unit, number = f"U{rng.randint(1, 30)}", rng.randint(1, 25)
        day = dates.setdefault(
            (unit, number), date.fromordinal(date(2022, 1, 1).toordinal() + rng.randint(0, 1800))
        )
        word = rng.choice(words)
        level = parse_level(word)
        if any(h.document == f"文〔{number}〕" and h.level is level for h in honours.get(unit, [])):
            continue  # the same unit, document and level twice is refused
        lines.append(f"{unit},文〔{number}〕,{word},{day.isoformat()}")
        honours.setdefault(unit, []).append(Honour(f"文〔{number}〕", parse_level(word), day))
    path = write(tmp_path, "\n".join(lines) + "\n")
    code, out, _ = run(capsys, "stats", "honours", path, "--on", "2026-06-30")
    assert code == 0
    expected = ["unit,points,component"]
    for unit, given in honours.items():
        score = honours_score(given, HonoursRule(), date(2026, 6, 30))
        expected.append(f"{unit},{score.points},{score.component}")
    assert out.splitlines() == expected


# --- daily -------------------------------------------------------------------------------------

DAILY = (
    "unit,period,metric,value\n"
    "A,2026-01,支委会,1\n"
    "A,2026-02,支委会,1\n"
    "A,2026-01,党员大会,4\n"  # four in one quarter: one quarter
    "A,2026-01,党费按时交纳率,0.95\n"  # two months missing: (0.95 + 0 + 0) / 3
    "B,2025-12,支委会,1\n"  # outside the window: B has no records
    "C,2026-03,学习达标率,1\n"
    "C,2026-03,党小组会,3\n"
)


def test_daily_csv_is_score_and_flag_per_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "stats", "daily", write(tmp_path, DAILY), "--from", "2026-01", "--to", "2026-03"
    )
    assert (code, err) == (0, "")
    # A over 85 (the yearly metrics have no whole period):
    # (15·2/3 + 10·1 + 15·0.95/3) × 100 / 85 = 24.75 × 100 / 85 = 29.117…
    # C: (10·1/3 + 10·1/3) × 100 / 85 = 7.843…
    assert out == "unit,score,flag\nA,29.12,\nB,0.00,no_records\nC,7.84,\n"


def test_daily_founded_file_young_and_party_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    founded = write(
        tmp_path,
        "unit,founded,party_groups\nA,2026-02,\nC,2026-03,否\nD,2026-04,yes\nE,2025-01,1\n",
        "founded.csv",
    )
    path = write(tmp_path, DAILY)
    code, out, _ = run(
        capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03", "--founded", founded
    )
    assert code == 0
    # A from 2026-02: two months, only monthly metrics (65): committee 1/2 → 15·½ × 100/65
    # C from 2026-03 without party groups (55): study 1 → 10 × 100 / 55 = 18.18…
    assert out.splitlines() == [
        "unit,score,flag",
        "A,11.54,",
        "B,0.00,no_records",
        "C,18.18,",
        "D,,young",
        "E,0.00,no_records",
    ]


def test_daily_json_gives_completions_as_decimal_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    founded = write(tmp_path, "unit,founded\nD,2026-04\n", "founded.csv")
    code, out, _ = run(
        capsys,
        "stats",
        "daily",
        write(tmp_path, DAILY),
        "--from",
        "2026-01",
        "--to",
        "2026-03",
        "--founded",
        founded,
        "--json",
    )
    assert code == 0
    rows = json.loads(out)["rows"]
    assert rows[0] == {
        "unit": "A",
        "score": "29.12",
        "flag": "",
        "first": "2026-01",
        "completion": {
            "committee_meeting": "0.67",
            "general_meeting": "1.00",
            "group_meeting": "0.00",
            "party_lecture": "0.00",
            "theme_day": "0.00",
            "life_meeting": None,
            "member_appraisal": None,
            "dues_rate": "0.32",
            "study_rate": "0.00",
        },
    }
    assert rows[3]["unit"] == "D"
    assert (rows[3]["score"], rows[3]["flag"], rows[3]["first"]) == (None, "young", None)
    assert set(rows[3]["completion"].values()) == {None}


def test_daily_encodings_and_xlsx_read_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    outputs = []
    for name, data in (
        ("utf8.csv", DAILY.encode("utf-8")),
        ("bom.csv", b"\xef\xbb\xbf" + DAILY.encode("utf-8")),
        ("gb.csv", DAILY.encode("gb18030")),
    ):
        path = write(tmp_path, data, name)
        code, out, _ = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
        assert code == 0
        outputs.append(out)
    workbook = Workbook()
    sheet = workbook.active
    for number, line in enumerate(DAILY.splitlines()):
        cells: list[object] = list(line.split(","))
        if number:
            cells[1] = datetime.fromisoformat(f"{cells[1]}-01")  # Excel turned 2026-01 into a date
            cells[3] = float(str(cells[3]))
        sheet.append(cells)
    workbook.save(tmp_path / "d.xlsx")
    path = str(tmp_path / "d.xlsx")
    code, out, _ = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
    assert code == 0
    outputs.append(out)
    assert len(set(outputs)) == 1


DAILY_BAD_FILES = [
    ("unit,period,value\nA,2026-01,1\n", "line 1: missing column 'metric'"),
    ("", "line 1: the file is empty"),
    ("\n\n", "line 1: the file is empty"),
    ("unit,period,metric,value\n", "line 2: no rows after the header"),
    ("unit,period,metric,value\nA,2026-1,支委会,1\n", "line 2: period: “2026-1” is not a month"),
    ("unit,period,metric,value\nA,2026-01,支部会,1\n", "line 2: metric: “支部会” is not a metric"),
    ("unit,period,metric,value\nA,2026-01,支委会,-1\n", "line 2: 支委会: “-1” is not a whole"),
    ("unit,period,metric,value\nA,2026-01,支委会,1.5\n", "line 2: 支委会: “1.5” is not a whole"),
    (
        "unit,period,metric,value\nA,2026-01,党费按时交纳率,1.2\n",
        "line 2: 党费按时交纳率: “1.2” is not a ratio from 0 to 1.",
    ),
    (
        "unit,period,metric,value\nA,2026-01,学习达标率,0.12345\n",
        "line 2: 学习达标率: “0.12345” has more than 4 decimals.",
    ),
    ("unit,period,metric,value\nA,2026-01,支委会,\n", "line 2: empty value"),
    (
        "unit,period,metric,value\nA,2026-01,支委会,1\nB,2026-01,支委会,1\nA,2026-01,committee_meeting,0\n",
        "line 4: duplicate value (unit 'A', period 2026-01, metric 支委会); first given on line 2",
    ),
    (
        "unit,period,metric,value\nB,2026-02,党课,1\nA,2026-01,党课,1\nA,2026-01,主题党日,1\n"
        "B,2026-02,主题党日,1\nA,2026-01,党课,0\nB,2026-02,党课,0\n",
        "line 6: duplicate value (unit 'A', period 2026-01, metric 党课); first given on line 3",
    ),
    (b"unit,period,metric,value\nA,2026-01,\xff\xfe,1\n", "line 2: bytes that are neither"),
]


@pytest.mark.parametrize(("text", "message"), DAILY_BAD_FILES)
def test_daily_bad_files_are_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, message: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {path}, {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "unit,founded\nA,2026-01\nA,2026-02\n",
            "line 3: duplicate unit 'A'; first given on line 2",
        ),
        ("unit,founded\nA,2026\n", "line 2: founded: “2026” is not a month (YYYY-MM)."),
        ("unit\nA\n", "line 1: missing column 'founded'"),
        ("unit,founded,party_groups\nA,2026-01,maybe\n", "line 2: party_groups 'maybe' is not"),
    ],
)
def test_daily_bad_founded_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    founded = write(tmp_path, text, "founded.csv")
    path = write(tmp_path, DAILY)
    code, out, err = run(
        capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03", "--founded", founded
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {founded}, {message}")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "2026-04", "--to", "2026-03"], "--from 2026-04 is after --to 2026-03"),
        (["--from", "2026-13", "--to", "2026-03"], "argument --from: expected YYYY-MM, got"),
        (["--from", "2026-01"], "the following arguments are required: --to"),
    ],
)
def test_daily_bad_options_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    code, out, err = run(capsys, "stats", "daily", write(tmp_path, DAILY), *options)
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {message}")


def test_daily_command_agrees_with_the_pure_rule_on_random_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(3)
    rule = DailyRule.DEFAULT
    lines = ["unit,period,metric,value"]
    values: dict[str, dict[tuple[str, Month], int | Decimal]] = {}
    for unit in (f"U{i}" for i in range(40)):
        values[unit] = {}
        for metric in rule.metrics:
            for month in (Month(2025, 1).plus(i) for i in range(14)):
                if rng.random() < 0.6:
                    if metric.kind is MetricKind.RATIO:
                        value: int | Decimal = Decimal(rng.randint(0, 10000)).scaleb(-4)
                    else:
                        value = rng.randint(0, 2)
                    values[unit][metric.key, month] = value
                    lines.append(f"{unit},{month},{metric.name},{value}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    code, out, _ = run(capsys, "stats", "daily", path, "--from", "2025-02", "--to", "2026-01")
    assert code == 0
    expected = ["unit,score,flag"]
    for unit, given in values.items():
        score = daily_score(given, rule, Month(2025, 2), Month(2026, 1))
        expected.append(f"{unit},{score.score},{score.flag}")
    assert out.splitlines() == expected


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7])
def test_daily_reads_a_csv_as_a_stream_whatever_the_chunks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The encoding is checked a chunk at a time: a character split between two chunks is still
    UTF-8 (or GB18030), and a bad byte is named on its own line, however the file is cut."""
    from leitai.scoring.analysis import records

    outputs = set()
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = write(tmp_path, DAILY.encode(encoding), f"{encoding}.csv")
        monkeypatch.setattr(records, "CHUNK", 1 << 20)
        whole = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
        monkeypatch.setattr(records, "CHUNK", chunk)
        streamed = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
        assert whole[0] == 0
        assert streamed == whole
        outputs.add(streamed)
    assert len(outputs) == 1
    bad = "unit,period,metric,value\nA,2026-01,支委会,1\nB,2026-01,支委会,1\n".encode() + (
        b"C,2026-01,\xff\xfe,1\n"
    )
    path = write(tmp_path, bad, "bad.csv")
    code, out, err = run(capsys, "stats", "daily", path, "--from", "2026-01", "--to", "2026-03")
    assert (code, out) == (2, "")
    assert err.startswith(f"leitai: error: {path}, line 4: bytes that are neither UTF-8")
