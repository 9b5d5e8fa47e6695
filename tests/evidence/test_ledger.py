"""The evidence chain kind: `leitai ledger verify` replays each unit's chain, holds the honours
and vetoes against it, and names a tampered row; an exported chain checks offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import transaction

from leitai.evidence.models import Honour, HonourState, Veto, VetoCategory
from leitai.evidence.services.honours import enter_honour, reject_honour, verify_honour
from leitai.evidence.services.vetoes import lift_veto, record_veto
from leitai.ledger.chain import append
from leitai.scoring.honours import Level
from tests.evidence.conftest import fields, png
from tests.ledger.helpers import first_problem, run_verify


def evidence_day(world: dict[str, Any]) -> dict[str, Any]:
    branch, people = world["city"]["branch"], world["people"]
    verified = enter_honour(
        unit=branch, by=people["secretary"], fields=fields("青发〔2024〕1号"), file=png("1")
    )
    verify_honour(honour=verified, by=people["reviewer_in"])
    rejected = enter_honour(
        unit=branch,
        by=people["secretary"],
        fields=fields("南发〔2024〕2号", level=Level.DISTRICT),
        file=png("2"),
    )
    reject_honour(honour=rejected, by=people["committee"], reason="扫描件不清晰")
    veto = record_veto(
        unit=branch,
        by=people["committee"],
        year=2025,
        category=VetoCategory.RECORDS,
        evidence="档案缺失",
    )
    lift_veto(veto=veto, by=people["committee"], reason="已补齐")
    return {"verified": verified, "rejected": rejected, "veto": veto, "branch": branch}


def test_an_evidence_day_verifies(world: dict[str, Any]) -> None:
    day = evidence_day(world)
    status, output = run_verify()
    assert status == 0, output
    line = next(x for x in output.splitlines() if f"evidence:{day['branch'].pk} " in x)
    assert line.startswith("ok ")
    assert "2 honours (1 verified), 1 vetoes (0 in force)" in line


def test_a_level_raised_in_the_database_is_named(world: dict[str, Any]) -> None:
    day = evidence_day(world)
    Honour.objects.filter(pk=day["verified"].pk).update(level=Level.NATIONAL)
    status, output = run_verify()
    assert status == 1
    assert first_problem(output) == (
        f"evidence:{day['branch'].pk}: honour {day['verified'].pk}: the database says level "
        "'national', the ledger 'municipal'"
    )


def test_a_rejected_honour_turned_verified_in_the_database_is_named(world: dict[str, Any]) -> None:
    day = evidence_day(world)
    Honour.objects.filter(pk=day["rejected"].pk).update(state=HonourState.VERIFIED)
    status, output = run_verify()
    assert status == 1
    assert f"honour {day['rejected'].pk}: the database says state 'verified'" in output


def test_a_row_without_entries_and_a_lifted_veto_restored_are_named(world: dict[str, Any]) -> None:
    day = evidence_day(world)
    Veto.objects.filter(pk=day["veto"].pk).update(state="active")
    Honour.objects.create(
        unit=day["branch"],
        title="伪造",
        level=Level.NATIONAL,
        conferred_by="x",
        document="伪〔2024〕9号",
        document_key="伪〔2024〕9号",
        conferred_on="2024-01-01",
        state=HonourState.VERIFIED,
        entered_by=world["people"]["secretary"],
        entered_at="2024-01-02T00:00:00Z",
    )
    status, output = run_verify("--all")
    assert status == 1
    assert "is not on the ledger" in output
    assert f"veto {day['veto'].pk}: the database says state 'active', the ledger 'lifted'" in output


def test_an_entry_the_services_could_not_write_is_named(world: dict[str, Any]) -> None:
    """Whoever entered a record verifying it, written straight onto the chain."""
    day = evidence_day(world)
    pending = enter_honour(
        unit=day["branch"],
        by=world["people"]["secretary"],
        fields=fields("青发〔2024〕7号"),
        file=png("7"),
    )
    with transaction.atomic():
        append(
            chain=f"evidence:{day['branch'].pk}",
            kind="honour_verified",
            data={"honour": pending.pk},
            actor="sec",
        )
        Honour.objects.filter(pk=pending.pk).update(
            state=HonourState.VERIFIED, verified_by=world["people"]["secretary"]
        )
    status, output = run_verify()
    assert status == 1
    assert f"honour {pending.pk} decided by sec, who entered it" in first_problem(output)


def test_the_chain_exports_and_checks_offline(world: dict[str, Any], tmp_path: Path) -> None:
    from django.core.management import call_command

    day = evidence_day(world)
    target = tmp_path / "evidence.json"
    call_command("ledger", "export", f"evidence:{day['branch'].pk}", "--out", str(target))
    data = json.loads(target.read_text())
    assert data["chain"] == f"evidence:{day['branch'].pk}"
    assert len(data["entries"]) == 6
    assert all("PNG" not in entry["body"] for entry in data["entries"])
    ok = subprocess.run(
        [sys.executable, "-m", "leitai.cli", "ledger", "verify", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "2 honours (1 verified)" in ok.stdout
    data["entries"][0]["body"] = data["entries"][0]["body"].replace("municipal", "national")
    target.write_text(json.dumps(data, ensure_ascii=False))
    bad = subprocess.run(
        [sys.executable, "-m", "leitai.cli", "ledger", "verify", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
