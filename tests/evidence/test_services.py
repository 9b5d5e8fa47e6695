"""The honours registry's and the veto register's rules, through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from leitai.evidence.models import Honour, HonourState, Veto, VetoCategory, VetoState
from leitai.evidence.queries import honours_points, vetoes
from leitai.evidence.services import EvidenceRefused
from leitai.evidence.services.honours import (
    DuplicateDocument,
    edit_honour,
    enter_honour,
    reject_honour,
    verify_honour,
)
from leitai.evidence.services.vetoes import lift_veto, record_veto
from leitai.ledger.models import LedgerEntry
from leitai.scoring.honours import Level
from tests.evidence.conftest import fields, png

ON = date(2025, 6, 30)


def enter(world: dict[str, Any], document: str = "青发〔2024〕12号", **kwargs: Any) -> Honour:
    return enter_honour(
        unit=world["city"]["branch"],
        by=world["people"]["secretary"],
        fields=fields(document, **kwargs),
        file=png(document),
    )


def test_entering_writes_a_pending_record_its_file_and_a_ledger_entry(
    world: dict[str, Any],
) -> None:
    honour = enter(world)
    assert honour.state == HonourState.PENDING
    assert honour.document_key == "青发〔2024〕12号"
    assert honour.file.read().startswith(b"\x89PNG")
    entry = LedgerEntry.objects.get(chain=f"evidence:{world['city']['branch'].pk}")
    assert entry.kind == "honour_entered"
    assert honour.file_sha256 in entry.body
    assert "PNG" not in entry.body


def test_the_same_document_again_is_refused_naming_the_record(world: dict[str, Any]) -> None:
    enter(world, "青发〔2024〕12号")
    with pytest.raises(DuplicateDocument) as refused:
        enter(world, "青发 [2024] 12号", level=Level.PROVINCIAL, title="另一个名称")
    message = str(refused.value)
    assert "青岛市先进基层党组织" in message
    assert "2024-06-28" in message
    assert "Municipal" in message
    assert "Pending" in message
    assert Honour.objects.count() == 1


def test_another_unit_may_hold_the_same_document(world: dict[str, Any]) -> None:
    enter(world)
    enter_honour(
        unit=world["city"]["village"],
        by=world["people"]["secretary_out"],
        fields=fields(),
        file=png("v"),
    )
    assert Honour.objects.count() == 2


def test_raising_the_level_by_editing_returns_a_verified_record_to_pending(
    world: dict[str, Any],
) -> None:
    honour = enter(world, level=Level.DISTRICT)
    verify_honour(honour=honour, by=world["people"]["reviewer_in"])
    assert honours_points(world["city"]["branch"], ON).points == 3
    honour.refresh_from_db()
    raised = edit_honour(
        honour=honour,
        by=world["people"]["secretary"],
        fields=fields(level=Level.PROVINCIAL),
        file=None,
        version=honour.version,
    )
    assert raised.level == Level.PROVINCIAL
    assert raised.state == HonourState.PENDING
    assert raised.verified_by is None
    assert raised.file_sha256 == honour.file_sha256
    assert honours_points(world["city"]["branch"], ON).points == 0
    verify_honour(honour=raised, by=world["people"]["committee"])
    assert honours_points(world["city"]["branch"], ON).points == 8


def test_an_edit_with_a_stale_version_is_refused(world: dict[str, Any]) -> None:
    honour = enter(world)
    with pytest.raises(EvidenceRefused, match="changed this record meanwhile"):
        edit_honour(
            honour=honour,
            by=world["people"]["secretary"],
            fields=fields(level=Level.NATIONAL),
            file=None,
            version=honour.version + 5,
        )
    assert Honour.objects.get().level == Level.MUNICIPAL


def test_whoever_entered_a_record_cannot_verify_it(world: dict[str, Any]) -> None:
    honour = enter_honour(
        unit=world["city"]["branch"],
        by=world["people"]["reviewer_in"],
        fields=fields(),
        file=png(),
    )
    with pytest.raises(EvidenceRefused, match="You entered this record"):
        verify_honour(honour=honour, by=world["people"]["reviewer_in"])
    assert Honour.objects.get().state == HonourState.PENDING
    verify_honour(honour=honour, by=world["people"]["committee"])
    assert Honour.objects.get().state == HonourState.VERIFIED


@pytest.mark.parametrize("who", ["secretary", "host_in", "reviewer_out", "secretary_out"])
def test_only_verifiers_of_the_unit_verify(world: dict[str, Any], who: str) -> None:
    honour = enter_honour(
        unit=world["city"]["branch"], by=world["people"]["organiser"], fields=fields(), file=png()
    )
    with pytest.raises(EvidenceRefused):
        verify_honour(honour=honour, by=world["people"][who])
    assert Honour.objects.get().state == HonourState.PENDING


def test_a_record_without_its_file_cannot_be_verified(world: dict[str, Any]) -> None:
    honour = enter_honour(
        unit=world["city"]["branch"], by=world["people"]["secretary"], fields=fields(), file=None
    )
    with pytest.raises(EvidenceRefused, match="evidence file is missing"):
        verify_honour(honour=honour, by=world["people"]["reviewer_in"])
    attached = edit_honour(
        honour=honour,
        by=world["people"]["secretary"],
        fields=fields(),
        file=png(),
        version=honour.version,
    )
    verify_honour(honour=attached, by=world["people"]["reviewer_in"])


def test_only_verified_honours_count_within_the_window_and_capped(world: dict[str, Any]) -> None:
    reviewer = world["people"]["reviewer_in"]
    national = enter(world, "中组发〔2023〕1号", level=Level.NATIONAL, day=date(2023, 7, 1))
    provincial = enter(world, "鲁组发〔2024〕2号", level=Level.PROVINCIAL, day=date(2024, 7, 1))
    municipal = enter(world, "青发〔2024〕3号", level=Level.MUNICIPAL, day=date(2024, 9, 1))
    old = enter(world, "青发〔2021〕4号", level=Level.NATIONAL, day=date(2022, 6, 30))
    pending = enter(world, "南发〔2025〕5号", level=Level.DISTRICT, day=date(2025, 1, 1))
    rejected = enter(world, "南发〔2025〕6号", level=Level.DISTRICT, day=date(2025, 2, 1))
    for honour in (national, provincial, municipal, old):
        verify_honour(honour=honour, by=reviewer)
    reject_honour(honour=rejected, by=reviewer, reason="文号与原件不符")
    score = honours_points(world["city"]["branch"], ON)
    assert (score.uncapped, score.points, score.capped) == (23, 15, True)
    assert str(score.component) == "100.00"
    keys = {item.honour.key for item in score.items}
    assert pending.pk not in keys
    assert rejected.pk not in keys
    outside = [item for item in score.items if item.honour.key == old.pk]
    assert outside[0].points == 0
    assert outside[0].reason == "outside_window"


def test_rejecting_needs_a_reason(world: dict[str, Any]) -> None:
    honour = enter(world)
    with pytest.raises(EvidenceRefused, match="reason"):
        reject_honour(honour=honour, by=world["people"]["reviewer_in"], reason="  ")
    reject_honour(honour=honour, by=world["people"]["reviewer_in"], reason="扫描件不清晰")
    honour.refresh_from_db()
    assert (honour.state, honour.rejection_reason) == (HonourState.REJECTED, "扫描件不清晰")
    with pytest.raises(EvidenceRefused, match="no longer pending"):
        verify_honour(honour=honour, by=world["people"]["committee"])


def test_a_future_date_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(EvidenceRefused, match="in the future"):
        enter(world, day=date(2999, 1, 1))
    assert not Honour.objects.exists()


def test_vetoes_are_recorded_and_lifted_by_the_committee_above(world: dict[str, Any]) -> None:
    branch, committee = world["city"]["branch"], world["people"]["committee"]
    for who in ("secretary", "reviewer_in", "host_in", "reviewer_out"):
        with pytest.raises(EvidenceRefused):
            record_veto(
                unit=branch,
                by=world["people"][who],
                year=2025,
                category=VetoCategory.LAX,
                evidence="x",
            )
    veto = record_veto(
        unit=branch, by=committee, year=2025, category=VetoCategory.LAX, evidence="整顿中"
    )
    assert [v.category for v in vetoes(branch, 2025)] == [VetoCategory.LAX]
    assert vetoes(branch, 2024) == []
    with pytest.raises(EvidenceRefused, match="reason"):
        lift_veto(veto=veto, by=committee, reason="")
    lift_veto(veto=veto, by=world["people"]["organiser"], reason="整顿验收合格")
    assert Veto.objects.get().state == VetoState.LIFTED
    assert vetoes(branch, 2025) == []
    with pytest.raises(EvidenceRefused, match="lifted already"):
        lift_veto(veto=veto, by=committee, reason="again")


def test_the_street_organiser_does_not_veto_its_own_street(world: dict[str, Any]) -> None:
    with pytest.raises(EvidenceRefused):
        record_veto(
            unit=world["city"]["jinhulu"],
            by=world["people"]["committee"],
            year=2025,
            category=VetoCategory.RECORDS,
            evidence="x",
        )
