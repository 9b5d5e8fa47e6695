"""The `leitai stats` / `leitai draw` contract, run in-process through `main([...])`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leitai.scoring.analysis.cli import main

DATA = Path(__file__).parent.parent / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, text, name="marks.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


SIX_JUDGES = (
    "participant,judge,score\n"
    + "".join(
        f"P1,J{i},{m}\n" for i, m in enumerate(["7.0", "7.25", "7.0", "9.5", "6.0", "7.25"], 1)
    )
    + "".join(f"P2,J{i},{m}\n" for i, m in enumerate(["8", "8", "8", "8", "8", "8"], 1))
)


def test_aggregate_text_lists_participants_in_rank_order_with_dropped_marks(tmp_path, capsys):
    code, out, err = run(capsys, "stats", "aggregate", write(tmp_path, SIX_JUDGES))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "rank\tparticipant\tscore\tjudges\tdropped",
        "1\tP2\t8.00\t6\tJ1 8.00 low; J6 8.00 high",
        "2\tP1\t7.13\t6\tJ5 6.00 low; J4 9.50 high",
    ]


def test_aggregate_json_contract(tmp_path, capsys):
    code, out, _ = run(capsys, "stats", "aggregate", write(tmp_path, SIX_JUDGES), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["participants"][1] == {
        "participant": "P1",
        "score": "7.13",
        "rank": 2,
        "tied": False,
        "judges": 6,
        "dropped": [
            {"judge": "J5", "criterion": None, "mark": "6.00"},
            {"judge": "J4", "criterion": None, "mark": "9.50"},
        ],
    }


def test_aggregate_criterion_mode_with_weights(tmp_path, capsys):
    text = "participant,judge,criterion,score\n" + "".join(
        f"P1,J{j},{c},{m}\n"
        for j, marks in enumerate([("8", "7"), ("8", "8"), ("9", "8")], 1)
        for c, m in zip(("a", "b"), marks, strict=True)
    )
    path = write(tmp_path, text)
    argv = ["stats", "aggregate", path, "--mode", "criterion", "--method", "mean"]
    code, out, _ = run(capsys, *argv, "--decimals", "1", "--weights", "a=0.6,b=0.4", "--json")
    assert code == 0
    (only,) = json.loads(out)["participants"]
    # Worked in tests/scoring/test_panel.py: a 8.3 → 5.0, b 7.7 → 3.1, score 8.1.
    assert only["score"] == "8.1"
    assert only["criteria"] == {
        "a": {"mark": "8.3", "weighted": "5.0"},
        "b": {"mark": "7.7", "weighted": "3.1"},
    }


def test_aggregate_criterion_mode_text_shows_criteria_and_dropped_marks(tmp_path, capsys):
    marks = {
        "J1": ("6", "9"),
        "J2": ("7", "8"),
        "J3": ("8", "7"),
        "J4": ("9", "6"),
        "J5": ("7", "7"),
    }
    text = "participant,judge,criterion,score\n" + "".join(
        f"P1,{judge},{c},{m}\n"
        for judge, pair in marks.items()
        for c, m in zip("ab", pair, strict=True)
    )
    code, out, _ = run(capsys, "stats", "aggregate", write(tmp_path, text), "--mode", "criterion")
    assert code == 0
    # a: drop J1 6 and J4 9, keep 7 8 7 → 7.33; b: drop J4 6 and J1 9, keep 8 7 7 → 7.33.
    assert out.splitlines() == [
        "rank\tparticipant\tscore\tjudges\ta\tb\tdropped",
        "1\tP1\t14.66\t5\t7.33 (7.33)\t7.33 (7.33)\t"
        "J1 a 6 low; J4 b 6 low; J4 a 9 high; J1 b 9 high",
    ]


def test_aggregate_ties_are_shared_and_flagged_unless_broken(tmp_path, capsys):
    text = "participant,judge,score\nA,J1,8\nA,J2,9\nB,J1,9\nB,J2,8\nC,J1,7\nC,J2,7\n"
    path = write(tmp_path, text)
    code, out, _ = run(capsys, "stats", "aggregate", path, "--json")
    ranks = [(p["participant"], p["rank"], p["tied"]) for p in json.loads(out)["participants"]]
    assert code == 0
    assert ranks == [("A", 1, True), ("B", 1, True), ("C", 3, False)]
    _, out, _ = run(capsys, "stats", "aggregate", path)
    assert out.splitlines()[1].startswith("1=\tA\t8.50")
    # The untrimmed mean cannot break it: both are 8.5 with nothing dropped.
    _, out, _ = run(capsys, "stats", "aggregate", path, "--tie-break", "untrimmed_mean", "--json")
    assert json.loads(out)["participants"][1]["tied"] is True


def test_reliability_json_matches_the_published_figures(capsys):
    path = str(DATA / "shrout_fleiss_1979.csv")
    code, out, _ = run(capsys, "stats", "reliability", path, "--json")
    assert code == 0
    document = json.loads(out)
    assert round(document["icc"]["ICC(3,1)"]["value"], 2) == 0.71
    assert len(document["icc"]) == 6
    assert document["complete_cases"] == {
        "participants": 6,
        "excluded_participants": 0,
        "judges": 4,
    }
    assert set(document["kendall_w"]) >= {"w", "chi2", "df", "p", "tie_corrected"}
    assert [j["judge"] for j in document["judges"]] == ["J1", "J2", "J3", "J4"]
    assert set(document["judges"][0]) >= {
        "judge",
        "mean_deviation",
        "mean_abs_deviation",
        "correlation",
        "flagged",
    }


def test_reliability_of_equal_marks_is_null_with_reasons_never_nan(tmp_path, capsys):
    text = "participant,judge,score\n" + "".join(
        f"P{p},J{j},5\n" for p in range(3) for j in range(3)
    )
    code, out, _ = run(capsys, "stats", "reliability", write(tmp_path, text), "--json")
    assert code == 0
    assert "NaN" not in out
    document = json.loads(out)
    assert document["icc"]["ICC(1,1)"] == {
        "value": None,
        "ci95": None,
        "reason": "participants do not differ (between-participant variance is 0)",
    }
    assert document["kendall_w"]["w"] is None
    assert document["judges"][0]["correlation"] is None


def test_severity_and_robustness_run_and_are_reproducible(capsys):
    path = str(DATA / "shrout_fleiss_1979.csv")
    code, out, _ = run(capsys, "stats", "severity", path, "--json")
    assert code == 0
    severity = json.loads(out)
    assert [round(j["severity"], 4) for j in severity["judges"]] == [2.375, -2.7917, -0.9583, 1.375]
    argv = ["stats", "robustness", path, "--top", "2", "--samples", "300", "--seed", "5", "--json"]
    code, first, _ = run(capsys, *argv)
    assert code == 0
    _, second, _ = run(capsys, *argv)
    assert first == second
    places = json.loads(first)["participants"]
    assert places[0]["participant"] == "T5"
    assert set(places[0]) == {
        "participant",
        "panel",
        "score",
        "rank",
        "rank_interval",
        "p_top",
        "verdict",
    }


def test_encodings_bom_and_gb18030_and_xlsx_read_the_same(tmp_path, capsys):
    text = "participant,judge,score\n张三,评委一,8.5\n李四,评委一,9\n张三,评委二,8\n李四,评委二,7\n"
    outputs = []
    for name, data in (
        ("utf8.csv", text.encode("utf-8")),
        ("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("gb.csv", text.encode("gb18030")),
    ):
        code, out, _ = run(capsys, "stats", "aggregate", write(tmp_path, data, name), "--json")
        assert code == 0
        outputs.append(out)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in text.splitlines():
        p, j, s = line.split(",")
        sheet.append([p, j, float(s) if s[0].isdigit() else s])
    workbook.save(tmp_path / "marks.xlsx")
    code, out, _ = run(capsys, "stats", "aggregate", str(tmp_path / "marks.xlsx"), "--json")
    assert code == 0
    outputs.append(out)
    assert len(set(outputs)) == 1
    assert json.loads(outputs[0])["participants"][0]["participant"] == "张三"  # 8.25 vs 8


BAD_INPUTS = [
    ("participant,score\nP1,8\n", "line 1: missing column 'judge' (header: participant,score)"),
    ("participant,judge,score\nP1,J1,abc\n", "line 2: score 'abc' is not a number"),
    ("participant,judge,score\nP1,J1,8\nP1,J2,NaN\n", "line 3: score 'NaN' is not a finite number"),
    ("participant,judge,score\nP1,J1,inf\n", "line 2: score 'inf' is not a finite number"),
    (
        "participant,judge,score\nP1,J1,8\nP1,J2,7\nP1,J1,9\n",
        "line 4: duplicate mark (participant 'P1', judge 'J1'); first given on line 2",
    ),
    (
        "participant,judge,criterion,score\nP1,J1,a,8\nP1,J1,a,9\n",
        "line 3: duplicate mark (participant 'P1', judge 'J1', criterion 'a'); "
        "first given on line 2",
    ),
    ("", "line 1: the file is empty"),
    ("participant,judge,score\n", "line 2: no rows of marks after the header"),
    ("participant,judge,score\nP1,J1\n", "line 2: expected at least 3 fields, found 2"),
    ("participant,judge,score\nP1,,8\n", "line 2: empty judge"),
    ("participant,judge,score\nP1,J1,\n", "line 2: empty score"),
    (
        "participant,judge,criterion,score\nP1,J1,a,8\nP1,J1,b,8\nP1,J2,a,7\n",
        "line 4: judge 'J2' scored participant 'P1' on 1 of 2 criteria (missing: b)",
    ),
    (
        b"participant,judge,score\nP1,J1,8\nP\xff\xfe\xff,J1,8\n",
        "line 3: bytes that are neither UTF-8 nor GB18030",
    ),
]


@pytest.mark.parametrize(("content", "problem"), BAD_INPUTS)
def test_bad_input_is_one_line_naming_file_and_line_with_status_2(
    tmp_path, capsys, content, problem
):
    path = write(tmp_path, content)
    code, out, err = run(capsys, "stats", "aggregate", path)
    assert (code, out) == (2, "")
    assert err == f"leitai: error: {path}, {problem}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", "aggregate", "F", "--bogus"], "unrecognized arguments: --bogus"),
        (
            ["stats", "aggregate", "F", "--trim", "-1"],
            "argument --trim: must be at least 0, got -1",
        ),
        (
            ["stats", "aggregate", "F", "--method", "max"],
            "argument --method: invalid choice: 'max'",
        ),
        (["stats", "robustness", "F"], "the following arguments are required: --top"),
        (["stats"], "the following arguments are required: command"),
        (["draw", "order", "F", "--seed", "xyz"], "--seed must be 64 hexadecimal digits"),
    ],
)
def test_bad_options_are_one_line_with_status_2(tmp_path, capsys, argv, message):
    path = write(tmp_path, "A\nB\n" if argv[0] == "draw" else SIX_JUDGES)
    argv = [path if a == "F" else a for a in argv]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("leitai: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_a_broken_workbook_is_one_line_with_status_2(tmp_path, capsys):
    path = write(tmp_path, b"PK\x03\x04 not really a zip", "marks.xlsx")
    code, _, err = run(capsys, "stats", "aggregate", path)
    assert (code, err) == (2, f"leitai: error: {path}: not a readable .xlsx workbook\n")


def test_option_problems_that_depend_on_the_file(tmp_path, capsys):
    path = write(tmp_path, SIX_JUDGES)
    code, _, err = run(capsys, "stats", "aggregate", path, "--weights", "ideas=2")
    assert code == 2
    assert err == (
        f"leitai: error: --weights names 'ideas', which is not a criterion in {path} "
        "(criteria: score)\n"
    )
    code, _, err = run(capsys, "stats", "aggregate", path, "--trim", "3")
    assert err == "leitai: error: --min-panel must be at least 2 × --trim + 1 = 7\n"
    code, _, err = run(capsys, "stats", "aggregate", str(tmp_path / "missing.csv"))
    assert err == f"leitai: error: {tmp_path / 'missing.csv'}: no such file\n"


SEED = "ab" * 32


def test_draw_commit_order_verify_round_trip(tmp_path, capsys):
    path = write(tmp_path, "C-03\t王五\nA-01 张三\n\nB-02\n", "list.txt")
    code, out, _ = run(capsys, "draw", "commit", "--seed", SEED, path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"seed: {SEED}"
    assert lines[1].startswith("commitment: ")
    assert len(lines[1]) == len("commitment: ") + 64
    commitment = lines[1].split()[1]
    code, order, _ = run(capsys, "draw", "order", "--seed", SEED, "--public", "123", path)
    assert code == 0
    assert sorted(order.splitlines()) == ["A-01 张三", "B-02", "C-03\t王五"]
    published = write(tmp_path, order, "order.txt")
    drawn = "drawn order: " + " ".join(line.split()[0] for line in order.splitlines())
    verify = ["draw", "verify", "--seed", SEED, "--public", "123", "--commitment", commitment]
    assert run(capsys, *verify, path, "--order", published) == (
        0,
        f"commitment: ok\n{drawn}\norder: ok\n",
        "",
    )
    wrong_public = [*verify[:5], "124", *verify[6:]]
    code, out, _ = run(capsys, *wrong_public, path, "--order", published)
    assert code == 1
    assert out.splitlines()[0] == "commitment: ok"
    assert out.splitlines()[2].startswith("order: MISMATCH (position ")
    code, out, _ = run(capsys, *verify[:-1], "0" * 64, path, "--order", published)
    assert (code, out) == (1, f"commitment: MISMATCH\n{drawn}\norder: ok\n")


def test_draw_verify_takes_the_frozen_list_in_any_line_order(tmp_path, capsys):
    # The hall saves the frozen list as shown (canonical order) or in any other order: an
    # honest draw verifies either way, and the drawn order is printed, not read from the list.
    codes = ["A-01", "B-02", "C-03", "D-04", "E-05"]
    canonical = write(tmp_path, "\n".join(codes) + "\n", "participants.txt")
    shuffled = write(tmp_path, "\n".join(reversed(codes)) + "\n", "shuffled.txt")
    _, out, _ = run(capsys, "draw", "commit", "--seed", SEED, canonical)
    commitment = out.splitlines()[1].split()[1]
    _, order, _ = run(capsys, "draw", "order", "--seed", SEED, "--public", "3815", canonical)
    drawn = "drawn order: " + " ".join(order.split())
    verify = ["draw", "verify", "--seed", SEED, "--public", "3815", "--commitment", commitment]
    for listed in (canonical, shuffled):
        assert run(capsys, *verify, listed) == (0, f"commitment: ok\n{drawn}\n", "")


def test_draw_verify_names_where_a_published_order_departs(tmp_path, capsys):
    listed = write(tmp_path, "A\nB\nC\n", "participants.txt")
    _, out, _ = run(capsys, "draw", "commit", "--seed", SEED, listed)
    commitment = out.splitlines()[1].split()[1]
    _, order, _ = run(capsys, "draw", "order", "--seed", SEED, "--public", "7", listed)
    drawn = order.split()
    verify = ["draw", "verify", "--seed", SEED, "--public", "7", "--commitment", commitment, listed]
    swapped = write(tmp_path, "\n".join([drawn[1], drawn[0], drawn[2]]) + "\n", "swapped.txt")
    code, out, _ = run(capsys, *verify, "--order", swapped)
    assert code == 1
    assert out.splitlines()[2] == (
        f"order: MISMATCH (position 1: published {drawn[1]}, drawn {drawn[0]})"
    )
    short = write(tmp_path, "\n".join(drawn[:2]) + "\n", "short.txt")
    code, out, _ = run(capsys, *verify, "--order", short)
    assert (code, out.splitlines()[2]) == (
        1,
        "order: MISMATCH (published 2 participants, drawn 3)",
    )
    code, out, err = run(capsys, *verify, "--order", str(tmp_path / "missing.txt"))
    assert (code, out, err) == (2, "", f"leitai: error: {tmp_path / 'missing.txt'}: no such file\n")


def test_draw_commit_without_seed_prints_a_new_one(tmp_path, capsys):
    code, out, _ = run(capsys, "draw", "commit", write(tmp_path, "A\nB\n", "list.txt"))
    seed_line, commitment_line = out.splitlines()
    assert code == 0
    assert len(seed_line.removeprefix("seed: ")) == 64
    assert len(commitment_line.removeprefix("commitment: ")) == 64


def test_draw_duplicate_code_names_both_lines(tmp_path, capsys):
    path = write(tmp_path, "A one\nB\nA two\n", "list.txt")
    code, _, err = run(capsys, "draw", "order", "--seed", SEED, path)
    assert code == 2
    assert (
        err
        == f"leitai: error: {path}, line 3: participant code 'A' appears twice (first on line 1)\n"
    )


def test_help_exits_zero(capsys):
    assert main(["stats", "aggregate", "--help"]) == 0
    assert "usage: leitai stats aggregate" in capsys.readouterr().out


def test_scoring_and_its_cli_import_without_django():
    probe = (
        "import sys, leitai.scoring, leitai.scoring.analysis.cli,"
        " leitai.scoring.analysis.cli_stats;"
        "print('django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_module_entry_point_runs(tmp_path):
    path = write(tmp_path, SIX_JUDGES)
    result = subprocess.run(
        [sys.executable, "-m", "leitai.scoring.analysis.cli", "stats", "aggregate", path, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["participants"][0]["participant"] == "P2"


def test_codes_with_braces_and_quotes_survive_text_and_json(tmp_path, capsys):
    judges = ["J{1}", 'J"2"', "J3", "J4", "J5"]
    text = "participant,judge,criterion,score\n" + "".join(
        f'"P{{x}}","{j.replace(chr(34), chr(34) * 2)}","c{{1}}",{m}\n'
        for j, m in zip(judges, (1, 2, 3, 4, 5), strict=True)
    )
    path = write(tmp_path, text)
    argv = ["stats", "aggregate", path, "--mode", "criterion"]
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    (only,) = json.loads(out)["participants"]
    assert only["participant"] == "P{x}"
    assert only["dropped"] == [
        {"judge": "J{1}", "criterion": "c{1}", "mark": "1"},
        {"judge": "J5", "criterion": "c{1}", "mark": "5"},
    ]
    assert only["criteria"] == {"c{1}": {"mark": "3.00", "weighted": "3.00"}}
    _, out, _ = run(capsys, *argv)
    assert out.splitlines()[1].endswith("J{1} c{1} 1 low; J5 c{1} 5 high")
