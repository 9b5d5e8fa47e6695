"""The daily data on the ledger: one entry per import made current, `leitai ledger verify`
passes, a tampered DailyImport row is found, the exported chain checks offline."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from leitai.accounts.models import Role
from leitai.cli import main as cli_main
from leitai.evidence.models import DailyImport, DailyImportState
from leitai.ledger.models import LedgerEntry
from leitai.ledger.verify import verify_database
from tests.evidence.daily_support import LONG_ZH, run_import, write_csv
from tests.factories import make_user, small_city
from tests.ledger.helpers import triggers_lifted

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path: Path) -> tuple[DailyImport, DailyImport]:
    city = small_city()
    organiser = make_user("org", role=Role.ORGANISER, unit=city["root"])
    first = run_import(
        write_csv(tmp_path / "a.csv", LONG_ZH, [["3702020101", "2026-01", "支委会", "1"]]),
        organiser,
    )
    second = run_import(
        write_csv(tmp_path / "b.csv", LONG_ZH, [["3702020101", "2026-01", "支委会", "2"]]),
        organiser,
    )
    first.refresh_from_db()
    return first, second


def daily_reports() -> dict[str, Any]:
    return {r.chain: r for r in verify_database() if r.chain.startswith("daily:")}


def test_verify_passes_and_names_what_was_replaced(
    imported: tuple[DailyImport, DailyImport],
) -> None:
    first, second = imported
    assert first.state == DailyImportState.SUPERSEDED
    reports = daily_reports()
    assert set(reports) == {f"daily:{first.pk}", f"daily:{second.pk}"}
    assert all(r.ok for r in reports.values()), [r.problems for r in reports.values()]
    assert (
        '"supersedes":[' + str(first.pk) + "]"
        in LedgerEntry.objects.get(chain=f"daily:{second.pk}").body
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("rows", 999, "rows: the database has 999"),
        ("digest", "f" * 64, "digest: the database has"),
        ("file_name", "other.csv", "file: the database has"),
        ("periods", ["2026-02"], "periods: the database has"),
        ("actor_name", "someone", "who: the database has someone"),
        ("state", DailyImportState.FAILED, "the database says failed"),
    ],
)
def test_a_tampered_import_row_is_found(
    imported: tuple[DailyImport, DailyImport], field: str, value: Any, expected: str
) -> None:
    _first, second = imported
    DailyImport.objects.filter(pk=second.pk).update(**{field: value})
    report = daily_reports()[f"daily:{second.pk}"]
    assert not report.ok
    assert expected in str(report.problems[0])


def test_an_import_made_current_without_an_entry_is_found(
    imported: tuple[DailyImport, DailyImport],
) -> None:
    _first, second = imported
    with triggers_lifted():
        LedgerEntry.objects.filter(chain=f"daily:{second.pk}").delete()
    problems = [str(p) for r in verify_database() for p in r.problems]
    assert any("no ledger entry" in p or "head" in p for p in problems)


def test_a_superseded_import_no_later_import_names_is_found(
    imported: tuple[DailyImport, DailyImport],
) -> None:
    first, second = imported
    DailyImport.objects.filter(pk=second.pk).update(state=DailyImportState.SUPERSEDED)
    DailyImport.objects.filter(pk=first.pk).update(state=DailyImportState.CURRENT)
    problems = [str(p) for p in daily_reports()[f"daily:{second.pk}"].problems]
    assert any("no later import replaced" in p for p in problems)


def test_the_exported_chain_verifies_offline(
    imported: tuple[DailyImport, DailyImport], tmp_path: Path
) -> None:
    _first, second = imported
    out = tmp_path / "daily.json"
    call_command("ledger", "export", f"daily:{second.pk}", "--out", str(out), stdout=io.StringIO())
    assert cli_main(["ledger", "verify", str(out)]) == 0
    text = out.read_text(encoding="utf-8").replace('\\"rows\\":1', '\\"rows\\":7')
    out.write_text(text, encoding="utf-8")
    assert cli_main(["ledger", "verify", str(out)]) != 0
