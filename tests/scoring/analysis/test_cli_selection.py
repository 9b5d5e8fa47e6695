"""`leitai stats quota` and `leitai stats composite` (issue 12): the CSV/JSON and error contracts,
in-process through `main([...])`, and once through the installed `leitai` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leitai.scoring.analysis.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- quota ---------------------------------------------------------------------------------------

UNITS = "unit,weight\n市南区,3\n市北区,3\n李沧区,2\n崂山区,0\n黄岛区,2.0\n"


def test_quota_csv_is_seats_per_unit_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "stats", "quota", write(tmp_path, UNITS), "--seats", "7")
    assert (code, err) == (0, "")
    assert out == "unit,seats\n市南区,2\n市北区,2\n李沧区,2\n崂山区,0\n黄岛区,1\n"


def test_quota_minimum_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "unit,weight\nA,10\nB,1\nC,1\n")
    code, out, _ = run(capsys, "stats", "quota", path, "--seats", "10", "--minimum", "2")
    assert (code, out) == (0, "unit,seats\nA,6\nB,2\nC,2\n")
    code, out, _ = run(capsys, "stats", "quota", path, "--seats", "0")
    assert (code, out) == (0, "unit,seats\nA,0\nB,0\nC,0\n")


def test_quota_json_gives_the_share_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "unit,weight\nA,1\nB,2\nC,0\n")
    code, out, _ = run(capsys, "stats", "quota", path, "--seats", "3", "--json")
    assert code == 0
    # One seat left over two minimums: shares 1/3 and 2/3.
    assert json.loads(out) == {
        "rows": [
            {
                "unit": "A",
                "weight": "1",
                "seats": 1,
                "share": "0.33",
                "share_exact": "1/3",
                "minimum": 1,
                "whole": 0,
                "remainder_seat": False,
                "why": "no_remainder_seat",
                "tie_decided_by": None,
            },
            {
                "unit": "B",
                "weight": "2",
                "seats": 2,
                "share": "0.67",
                "share_exact": "2/3",
                "minimum": 1,
                "whole": 0,
                "remainder_seat": True,
                "why": "remainder_seat",
                "tie_decided_by": None,
            },
            {
                "unit": "C",
                "weight": "0",
                "seats": 0,
                "share": "0.00",
                "share_exact": "0",
                "minimum": 0,
                "whole": 0,
                "remainder_seat": False,
                "why": "zero_weight",
                "tie_decided_by": None,
            },
        ]
    }


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        ("unit,share\nA,1\n", (), "f.csv, line 1: missing column 'weight' (header: unit,share)"),
        (
            "unit,weight\nA,1\nB,2\nA,3\n",
            (),
            "f.csv, line 4: duplicate unit 'A'; first given on line 2",
        ),
        ("unit,weight\nA,1\nB,-1\n", (), "f.csv, line 3: weight '-1' is below 0"),
        ("unit,weight\nA,abc\n", (), "f.csv, line 2: weight 'abc' is not a number"),
        ("unit,weight\nA,NaN\n", (), "f.csv, line 2: weight 'NaN' is not a number"),
        ("unit,weight\nA,\n", (), "f.csv, line 2: empty weight"),
        ("", (), "f.csv, line 1: the file is empty"),
        ("unit,weight\n", (), "f.csv, line 2: no rows after the header"),
        (
            "unit,weight\nA,1\nB,1\nC,0\n",
            ("--seats", "1"),
            "f.csv: --seats: 1 seats are fewer than the minimums need: 2 units with a weight "
            "above 0 × 1 = 2.",
        ),
        (
            "unit,weight\nA,0\nB,0\n",
            (),
            "f.csv: --seats: 5 seats to give, but every one of 2 weights is 0.",
        ),
        ("unit,weight\nA,1\n", ("--seats", "-1"), "argument --seats: must be at least 0, got -1"),
    ],
)
def test_quota_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    argv: tuple[str, ...],
    message: str,
) -> None:
    path = write(tmp_path, text, "f.csv")
    code, out, err = run(capsys, "stats", "quota", path, *(argv or ("--seats", "5")))
    assert (code, out) == (2, "")
    assert err == f"leitai: error: {message.replace('f.csv', path)}\n"


# --- composite -----------------------------------------------------------------------------------

CANDIDATES = (
    "candidate,arena,reeval,daily,honours,veto\n"
    "P1,90,80,70,60,0\n"  # 77.50
    "P2,80,80,70,60,\n"  # 74.50
    "P3,80,80,70,60,0\n"  # 74.50, equal to P2 on every tie-break
    "P4,100,70,70,60,0\n"  # 77.50: equal to P1, behind it on reeval
    "P5,100,100,100,100,1\n"  # vetoed
    "P6,10,10,10,10,0\n"  # 10.00
    "P7,50.5,0.01,99.99,0,1\n"  # vetoed: 15.15 + 0.003 + 24.9975 = 40.1505 → 40.15
)


def test_composite_csv_in_rank_order_with_ties_and_vetoes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, CANDIDATES)
    code, out, err = run(capsys, "stats", "composite", path, "--top", "3")
    assert (code, err) == (0, "")
    assert out == (
        "candidate,composite,rank,status\n"
        "P1,77.50,1,in\n"
        "P4,77.50,2,in\n"
        "P2,74.50,3,tie\n"
        "P3,74.50,3,tie\n"
        "P6,10.00,5,out\n"
        "P5,100.00,,vetoed\n"
        "P7,40.15,,vetoed\n"
    )
    code, out, _ = run(capsys, "stats", "composite", path, "--top", "4")
    assert [line.rsplit(",", 1)[1] for line in out.splitlines()[1:5]] == ["in"] * 4


def test_composite_options_change_weights_and_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, CANDIDATES)
    # Arena first in the chain: P4 (arena 100) before P1.
    code, out, _ = run(
        capsys, "stats", "composite", path, "--top", "1", "--tie-break", "arena,reeval"
    )
    assert code == 0
    assert out.splitlines()[1:3] == ["P4,77.50,1,in", "P1,77.50,2,out"]
    # Every weight on daily data: P1..P4 equal at 70; no chain at all: one rank, a tie.
    code, out, _ = run(
        capsys,
        "stats",
        "composite",
        path,
        "--top",
        "2",
        "--weights",
        "daily=100",
        "--tie-break",
        "",
    )
    assert code == 0
    assert out.splitlines()[1:5] == [f"P{i},70.00,1,tie" for i in (1, 2, 3, 4)]


def test_composite_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "candidate,arena,reeval,daily,honours\nA,90,80,70,60\nB,90,80,70,60.5\n")
    code, out, _ = run(capsys, "stats", "composite", path, "--top", "1", "--json")
    assert code == 0
    assert json.loads(out) == {
        "rows": [
            {
                "candidate": "B",
                "composite": "77.58",  # 77.575 half-up
                "rank": 1,
                "status": "in",
                "decided_by": None,
                "components": {
                    "arena": "90.00",
                    "reeval": "80.00",
                    "daily": "70.00",
                    "honours": "60.50",
                },
            },
            {
                "candidate": "A",
                "composite": "77.50",
                "rank": 2,
                "status": "out",
                "decided_by": None,
                "components": {
                    "arena": "90.00",
                    "reeval": "80.00",
                    "daily": "70.00",
                    "honours": "60.00",
                },
            },
        ]
    }


HEADER = "candidate,arena,reeval,daily,honours,veto\n"


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        (
            "candidate,arena,reeval,daily\nA,1,2,3\n",
            (),
            "f.csv, line 1: missing column 'honours' (header: candidate,arena,reeval,daily)",
        ),
        (
            HEADER + "A,1,2,3,4,0\nA,1,2,3,4,0\n",
            (),
            "f.csv, line 3: duplicate candidate 'A'; first given on line 2",
        ),
        (HEADER + "A,1,2,3,100.01,0\n", (), "f.csv, line 2: honours '100.01' is not from 0 to 100"),
        (HEADER + "A,-1,2,3,4,0\n", (), "f.csv, line 2: arena '-1' is not from 0 to 100"),
        (
            HEADER + "A,1,2.125,3,4,0\n",
            (),
            "f.csv, line 2: reeval '2.125' has more than 2 decimals",
        ),
        (HEADER + "A,1,x,3,4,0\n", (), "f.csv, line 2: reeval 'x' is not a number"),
        (HEADER + "A,1,2,3,4,2\n", (), "f.csv, line 2: veto '2' is not 0 or 1"),
        (HEADER + "A,1,2,,4,0\n", (), "f.csv, line 2: empty daily"),
        ("", (), "f.csv, line 1: the file is empty"),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--weights", "arena=30,reeval=30,daily=25,honours=10"),
            "--weights: the weights sum to 95, not 100.",
        ),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--weights", "arena=30,reeval=30,daily=25,bonus=15"),
            "--weights: “bonus” is not a component (arena, reeval, daily, honours).",
        ),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--weights", "arena30"),
            "--weights: expected NAME=WEIGHT,…, got 'arena30'",
        ),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--weights", "arena=100,arena=0"),
            "--weights: arena given twice",
        ),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--tie-break", "reeval,luck"),
            "--tie-break: “luck” is not a component (arena, reeval, daily, honours).",
        ),
        (
            HEADER + "A,1,2,3,4,0\n",
            ("--tie-break", "reeval,reeval"),
            "--tie-break: “reeval” is named twice.",
        ),
    ],
)
def test_composite_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    argv: tuple[str, ...],
    message: str,
) -> None:
    path = write(tmp_path, text, "f.csv")
    code, out, err = run(capsys, "stats", "composite", path, "--top", "1", *argv)
    assert (code, out) == (2, "")
    assert err == f"leitai: error: {message.replace('f.csv', path)}\n"


def test_the_installed_command_runs_them_without_django(tmp_path: Path) -> None:
    path = write(tmp_path, UNITS)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import sys; from leitai.cli import main; code = main(sys.argv[1:]); "
        "assert 'django' not in sys.modules; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "stats", "quota", path, "--seats", "7"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "unit,seats"
