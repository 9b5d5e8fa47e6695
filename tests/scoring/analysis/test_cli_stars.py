"""`leitai stats stars` (issue 13): the CSV/JSON and error contracts, in-process through
`main([...])`, and once through the installed `leitai` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leitai.scoring.analysis.cli import main

HEADER = "unit,group,basic,deductions,bonus,appraisal,veto,months\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "units.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# Ten rated units in 市南区 (U4 beyond the five-star line), one young; one unit in 市北区.
UNITS = HEADER + (
    "U4,市南区,95,0,3,88,0,24\n"  # 0.7 × 98 + 26.4 = 95.00
    "U1,市南区,100,0,0,100,0,24\n"
    "U2,市南区,95,0,0,95,0,24\n"
    "U3,市南区,100,5,0,95,0,24\n"  # 95.00 with basic 100
    "L0,市南区,85.05,0,0,60,0,24\n"  # 59.535 + 18 = 77.535 → 77.54
    "L1,市南区,89.95,0,0,90.10,0,24\n"  # 89.995 → 90.00: qualifies, beyond the line
    "L2,市南区,100,0,0,59.99,0,24\n"  # 87.997 → 88.00, appraisal cap
    "L3,市南区,10,30,0,100,0,24\n"  # clamped at 0: 30.00
    "L4,市南区,70,0,0,70,0,12\n"
    "V,市南区,100,0,0,100,1,36\n"
    "Y,市南区,100,0,0,100,0,11\n"
    "N,市北区,100,0,0,100,0,24\n"
)


def test_csv_is_total_stars_and_reason_per_unit_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "stats", "stars", write(tmp_path, UNITS))
    assert (code, err) == (0, "")
    # 10 rated in 市南区 (Y is young; V counts): ⌊3⌋ = 3 five-star among U1, U3, U2, L1 (90.00),
    # U4 (95.00): by total, U1 100, then U3, U2, U4 at 95.00 (basic, then appraisal), then L1.
    assert out == (
        "unit,total,stars,reason\n"
        "U4,95.00,4,capped\n"
        "U1,100.00,5,ok\n"
        "U2,95.00,5,ok\n"
        "U3,95.00,5,ok\n"
        "L0,77.54,3,ok\n"
        "L1,90.00,4,capped\n"
        "L2,88.00,2,appraisal\n"
        "L3,30.00,1,ok\n"
        "L4,70.00,3,ok\n"
        "V,100.00,2,veto\n"
        "Y,,,young\n"
        "N,100.00,4,capped\n"  # one rated unit: ⌊0.3⌋ = 0
    )


def test_cap_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, UNITS)
    code, out, _ = run(capsys, "stats", "stars", path, "--cap", "1")
    assert code == 0
    assert "capped" not in out
    code, out, _ = run(capsys, "stats", "stars", path, "--cap", "0")
    assert code == 0
    assert out.count(",4,capped\n") == 6


def test_json_gives_decimals_as_strings_and_marks_ties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        HEADER + "B,g,95,0,0,95,0,24\nA,g,95,0,0,95,0,24\nC,g,50,0,0,50,0,24\nY,g,1,0,0,1,0,0\n",
    )
    code, out, _ = run(capsys, "stats", "stars", path, "--cap", "0.5", "--json")
    assert code == 0
    assert json.loads(out) == {
        "rows": [
            {
                "unit": "B",
                "group": "g",
                "total": "95.00",
                "stars": 4,
                "reason": "capped",
                "capped": True,
                "tied": True,
            },
            {
                "unit": "A",
                "group": "g",
                "total": "95.00",
                "stars": 5,
                "reason": "ok",
                "capped": False,
                "tied": True,
            },
            {
                "unit": "C",
                "group": "g",
                "total": "50.00",
                "stars": 1,
                "reason": "appraisal",
                "capped": False,
                "tied": False,
            },
            {
                "unit": "Y",
                "group": "g",
                "total": None,
                "stars": None,
                "reason": "young",
                "capped": False,
                "tied": False,
            },
        ]
    }


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("A,g,100.5,0,0,90,0,24", "line 2: basic '100.5' is not from 0 to 100"),
        ("A,g,-1,0,0,90,0,24", "line 2: basic '-1' is not from 0 to 100"),
        ("A,g,90,-0.5,0,90,0,24", "line 2: deductions '-0.5' is below 0"),
        ("A,g,90,0,-1,90,0,24", "line 2: bonus '-1' is below 0"),
        ("A,g,90,0,0,101,0,24", "line 2: appraisal '101' is not from 0 to 100"),
        ("A,g,ninety,0,0,90,0,24", "line 2: basic 'ninety' is not a number"),
        ("A,g,90,0,0,NaN,0,24", "line 2: appraisal 'NaN' is not a number"),
        ("A,g,90,0,0,90,2,24", "line 2: veto '2' is not 0 or 1"),
        ("A,g,90,0,0,90,yes,24", "line 2: veto 'yes' is not 0 or 1"),
        ("A,g,90,0,0,90,0,1.5", "line 2: months '1.5' is not a whole number from 0"),
        ("A,g,90,0,0,90,0,-1", "line 2: months '-1' is not a whole number from 0"),
        ("A,,90,0,0,90,0,24", "line 2: empty group"),
    ],
)
def test_a_bad_value_is_one_line_naming_file_line_and_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, problem: str
) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    code, out, err = run(capsys, "stats", "stars", path)
    assert (code, out) == (2, "")
    assert err == f"leitai: error: {path}, {problem}\n"


def test_a_duplicate_unit_names_its_first_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEADER + "A,g,90,0,0,90,0,24\nB,g,90,0,0,90,0,24\nA,h,1,0,0,1,0,24\n")
    code, _, err = run(capsys, "stats", "stars", path)
    assert code == 2
    assert err == f"leitai: error: {path}, line 4: duplicate unit 'A'; first given on line 2\n"


def test_a_missing_column_and_an_empty_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "unit,group,basic,deductions,bonus,appraisal,months\nA,g,1,0,0,1,24\n")
    code, _, err = run(capsys, "stats", "stars", path)
    assert code == 2
    assert err.startswith(f"leitai: error: {path}, line 1: missing column 'veto'")
    assert err.count("\n") == 1
    empty = write(tmp_path, "", "empty.csv")
    code, _, err = run(capsys, "stats", "stars", empty)
    assert (code, err) == (2, f"leitai: error: {empty}, line 1: the file is empty\n")
    header_only = write(tmp_path, HEADER, "header.csv")
    code, _, err = run(capsys, "stats", "stars", header_only)
    assert (code, err) == (2, f"leitai: error: {header_only}, line 2: no rows after the header\n")
    code, _, err = run(capsys, "stats", "stars", str(tmp_path / "nowhere.csv"))
    assert (code, err) == (2, f"leitai: error: {tmp_path / 'nowhere.csv'}: no such file\n")


@pytest.mark.parametrize(
    ("cap", "message"),
    [
        ("1.5", "--cap: “1.5” is not from 0 to 1."),
        ("-0.1", "--cap: “-0.1” is not from 0 to 1."),
        ("thirty", "--cap: 'thirty' is not a number"),
    ],
)
def test_a_cap_outside_0_to_1_is_refused_before_the_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cap: str, message: str
) -> None:
    code, out, err = run(capsys, "stats", "stars", str(tmp_path / "nowhere.csv"), "--cap", cap)
    assert (code, out, err) == (2, "", f"leitai: error: {message}\n")


def test_the_installed_command(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "甲,g,90,0,0,90,0,24\n")
    leitai = Path(sys.executable).with_name("leitai")
    result = subprocess.run(
        [str(leitai), "stats", "stars", path],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "unit,total,stars,reason\n甲,90.00,4,capped\n"
