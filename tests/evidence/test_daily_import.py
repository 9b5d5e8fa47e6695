"""Importing the platform's daily data: both forms, both header languages, .csv in GB18030 and
UTF-8 with a BOM, .xlsx; every refusal names row, column, value and reason and writes nothing;
a re-import replaces its months for the units in its file; staged rows stay invisible."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leitai.accounts.models import Role
from leitai.core.imports import ImportRejected, confirm_job, create_job_from_path
from leitai.core.models import ImportStatus
from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.evidence.queries_daily import unit_values
from leitai.evidence.services.daily import (
    Summary,
    make_current,
    open_import,
    stage_values,
)
from leitai.ledger.models import LedgerEntry
from leitai.scoring.daily import Month
from tests.evidence.daily_support import LONG_EN, LONG_ZH, run_import, write_csv, write_xlsx
from tests.factories import make_user, small_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> dict[str, Any]:
    return small_city()


@pytest.fixture
def organiser(city: dict[str, Any]) -> Any:
    return make_user("org", role=Role.ORGANISER, unit=city["root"])


def stored(unit: Any) -> dict[tuple[str, int], Decimal]:
    return {
        (v.metric, v.period): v.value
        for v in DailyValue.objects.filter(unit=unit, daily_import__state=DailyImportState.CURRENT)
    }


def test_long_csv_gb18030_chinese_headers(
    tmp_path: Path, city: dict[str, Any], organiser: Any
) -> None:
    path = write_csv(
        tmp_path / "long.csv",
        LONG_ZH,
        [
            ["3702020101", "2026-01", "支委会", "2"],
            ["3702020101", "2026-01", "党费按时交纳率", "0.95"],
            ["3702850101", "2026/2", "主题党日", "1"],
        ],
        encoding="gb18030",
    )
    daily_import = run_import(path, organiser)
    assert daily_import.state == DailyImportState.CURRENT
    assert (daily_import.rows, daily_import.units, daily_import.periods) == (
        3,
        2,
        ["2026-01", "2026-02"],
    )
    assert stored(city["branch"]) == {
        ("committee_meeting", 202601): Decimal(2),
        ("dues_rate", 202601): Decimal("0.95"),
    }
    assert stored(city["village"]) == {("theme_day", 202602): Decimal(1)}
    entry = LedgerEntry.objects.get(chain=f"daily:{daily_import.pk}")
    assert entry.kind == "current"
    assert daily_import.digest in entry.body
    assert '"rows":3' in entry.body


def test_long_xlsx_english_headers(tmp_path: Path, city: dict[str, Any], organiser: Any) -> None:
    path = write_xlsx(
        tmp_path / "long.xlsx",
        LONG_EN,
        [
            [3702020101, "2026-03", "general_meeting", 1],
            ["3702020101", "2026-03", "study_rate", 0.5],
        ],
    )
    run_import(path, organiser)
    assert stored(city["branch"]) == {
        ("general_meeting", 202603): Decimal(1),
        ("study_rate", 202603): Decimal("0.5"),
    }


def test_wide_csv_with_bom_chinese_metric_columns(
    tmp_path: Path, city: dict[str, Any], organiser: Any
) -> None:
    path = write_csv(
        tmp_path / "wide.csv",
        ["组织编码", "月份", "支委会", "党小组会", "学习达标率"],
        [["3702020101", "2026-04", "1", "", "0.8"], ["3702850101", "2026-04", "0", "3", "1"]],
        encoding="utf-8-sig",
    )
    daily_import = run_import(path, organiser)
    assert daily_import.rows == 5  # the blank cell is no record
    assert stored(city["branch"]) == {
        ("committee_meeting", 202604): Decimal(1),
        ("study_rate", 202604): Decimal("0.8"),
    }


def test_wide_xlsx_english_keys(tmp_path: Path, city: dict[str, Any], organiser: Any) -> None:
    path = write_xlsx(
        tmp_path / "wide.xlsx",
        ["unit", "period", "committee_meeting", "dues_rate"],
        [["3702020101", "2026-05", 1, 1]],
    )
    run_import(path, organiser)
    assert stored(city["branch"]) == {
        ("committee_meeting", 202605): Decimal(1),
        ("dues_rate", 202605): Decimal(1),
    }


BROKEN = [
    (["9999", "2026-01", "支委会", "1"], "单位编码", "9999", "Unknown unit code."),
    (["3702020101", "2026-13", "支委会", "1"], "期间", "2026-13", "Not a month"),
    (["3702020101", "Jan", "支委会", "1"], "期间", "Jan", "Not a month"),
    (["3702020101", "2999-01", "支委会", "1"], "期间", "2999-01", "A month in the future."),
    (["3702020101", "2026-01", "党建", "1"], "指标", "党建", "Unknown metric"),
    (["3702020101", "2026-01", "支委会", "1.5"], "数值", "1.5", "Not a whole number"),
    (["3702020101", "2026-01", "支委会", "-1"], "数值", "-1", "Not a whole number"),
    (["3702020101", "2026-01", "党费按时交纳率", "1.2"], "数值", "1.2", "Not a ratio from 0 to 1"),
    (["3702020101", "2026-01", "党费按时交纳率", "0.12345"], "数值", "0.12345", "at most 4"),
    (["3702020101", "2026-01", "党费按时交纳率", "九成"], "数值", "九成", "Not a number"),
    (["3702020101", "2026-01", "支委会", ""], "数值", "", "The value is empty."),
]


@pytest.mark.parametrize(("bad", "column", "value", "reason"), BROKEN)
def test_a_broken_row_is_named_and_nothing_is_written(
    tmp_path: Path,
    city: dict[str, Any],
    organiser: Any,
    bad: list[str],
    column: str,
    value: str,
    reason: str,
) -> None:
    rows = [["3702020101", "2026-01", "党课", "1"], ["3702850101", "2026-01", "党课", "1"], bad]
    path = write_csv(tmp_path / "bad.csv", LONG_ZH, rows)
    with pytest.raises(ImportRejected) as rejected:
        run_import(path, organiser)
    problems = rejected.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [(4, column, value)]
    assert reason in problems[0].reason
    assert DailyValue.objects.count() == 0
    assert not DailyImport.objects.exclude(state=DailyImportState.FAILED).exists()
    assert not LedgerEntry.objects.filter(chain__startswith="daily:").exists()


def test_a_duplicate_names_both_rows(tmp_path: Path, city: dict[str, Any], organiser: Any) -> None:
    rows = [
        ["3702020101", "2026-01", "党课", "1"],
        ["3702020101", "2026-02", "党课", "1"],
        ["3702020101", "2026-01", "party_lecture", "2"],
    ]
    path = write_csv(tmp_path / "dup.csv", LONG_ZH, rows)
    with pytest.raises(ImportRejected) as rejected:
        run_import(path, organiser)
    (problem,) = rejected.value.problems
    assert (problem.row, problem.column) == (4, "指标")
    assert "row 2" in problem.reason
    assert DailyValue.objects.count() == 0


def test_out_of_scope_unit_is_refused(tmp_path: Path, city: dict[str, Any]) -> None:
    district = make_user("district-org", role=Role.ORGANISER, unit=city["shinan"])
    path = write_csv(tmp_path / "x.csv", LONG_ZH, [["3702850101", "2026-01", "党课", "1"]])
    with pytest.raises(ImportRejected) as rejected:
        run_import(path, district)
    assert "Outside your scope" in rejected.value.problems[0].reason
    assert DailyValue.objects.count() == 0


def test_header_without_metrics_is_a_file_problem(tmp_path: Path, organiser: Any) -> None:
    from leitai.core.tabular import FileProblem

    path = write_csv(tmp_path / "x.csv", ["单位编码", "期间", "备注"], [["1", "2026-01", "x"]])
    with pytest.raises(FileProblem):
        run_import(path, organiser)


def test_many_problems_are_counted_and_a_limited_number_kept(
    tmp_path: Path, city: dict[str, Any], organiser: Any
) -> None:
    rows = [["nope", "2026-01", "党课", "1"]] * 12_000
    path = write_csv(tmp_path / "many.csv", LONG_ZH, rows)
    with pytest.raises(ImportRejected) as rejected:
        run_import(path, organiser)
    assert rejected.value.total == 12_000
    assert len(rejected.value.problems) == 10_000


def test_reimport_replaces_a_month_for_the_units_in_the_file(
    tmp_path: Path, city: dict[str, Any], organiser: Any
) -> None:
    first = run_import(
        write_csv(
            tmp_path / "a.csv",
            LONG_ZH,
            [
                ["3702020101", "2026-01", "支委会", "1"],
                ["3702020101", "2026-01", "党课", "1"],
                ["3702020101", "2026-02", "支委会", "1"],
                ["3702850101", "2026-01", "支委会", "1"],
            ],
        ),
        organiser,
    )
    second = run_import(
        write_csv(tmp_path / "b.csv", LONG_ZH, [["3702020101", "2026-01", "支委会", "3"]]),
        organiser,
    )
    # The branch's January is the second file's (its 党课 gone with the month); its February and
    # the village's January stay the first file's.
    assert stored(city["branch"]) == {
        ("committee_meeting", 202601): Decimal(3),
        ("committee_meeting", 202602): Decimal(1),
    }
    assert stored(city["village"]) == {("committee_meeting", 202601): Decimal(1)}
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.supersedes == [first.pk]
    assert first.state == DailyImportState.CURRENT  # still holds values
    third = run_import(
        write_csv(
            tmp_path / "c.csv",
            LONG_ZH,
            [["3702020101", "2026-02", "支委会", "0"], ["3702850101", "2026-01", "支委会", "0"]],
        ),
        organiser,
    )
    first.refresh_from_db()
    assert first.state == DailyImportState.SUPERSEDED
    assert third.supersedes == [first.pk]
    assert not DailyValue.objects.filter(daily_import=first).exists()


def test_staged_rows_are_invisible_until_current(city: dict[str, Any], organiser: Any) -> None:
    branch = city["branch"]
    daily_import = open_import(actor=organiser, file_name="x.csv", digest="0" * 64)
    stage_values(daily_import, [(branch.pk, 202601, "committee_meeting", 1)])
    first, last = Month(2026, 1), Month(2026, 12)
    assert unit_values(branch.pk, first, last)[0] == {}
    make_current(daily_import, Summary(rows=1, periods=["2026-01"], units=1))
    assert unit_values(branch.pk, first, last)[0] == {
        ("committee_meeting", 202601): (1, daily_import.pk)
    }


def test_the_job_path_previews_then_imports(
    tmp_path: Path, city: dict[str, Any], organiser: Any
) -> None:
    path = write_csv(tmp_path / "job.csv", LONG_ZH, [["3702020101", "2026-01", "支委会", "1"]])
    job = create_job_from_path(kind="daily", actor=organiser, path=path, prune=False)
    assert job.status == ImportStatus.READY
    assert job.preview["counts"]["rows"] == 1
    assert DailyValue.objects.count() == 0  # the preview writes nothing
    assert confirm_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    daily_import = DailyImport.objects.get(job=job)
    assert daily_import.state == DailyImportState.CURRENT


def test_the_command_imports_in_batches(tmp_path: Path, city: dict[str, Any], capsys: Any) -> None:
    path = write_csv(tmp_path / "cli.csv", LONG_EN, [["3702020101", "2026-01", "theme_day", "1"]])
    call_command("import_daily", str(path), "--yes")
    daily_import = DailyImport.objects.get()
    assert daily_import.state == DailyImportState.CURRENT
    assert daily_import.actor is None
    assert daily_import.actor_name == "(command line)"
    bad = write_csv(tmp_path / "bad.csv", LONG_EN, [["3702020101", "2026-01", "theme_day", "x"]])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_daily", str(bad), "--yes")
    assert DailyValue.objects.count() == 1
