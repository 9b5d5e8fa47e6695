"""A judge's absence on the ledger: its own `judge_absence` entry, and chains written before it had
one (a `recusal` entry with source "absent", lifted by a `recusal` entry not in force) still
replay and verify — from the database (`leitai ledger verify`) and from an exported file.

The day: the first presenter's scoring closed without J3's sheet (J3 recorded absent), the absence
lifted by the host, J1's sheet reopened (scoring opens again) and J3's paper sheet entered, so the
result confirmed counts J3; the second presenter scored by all; the arena closed. A replay that
did not lift the old-format absence would name J3's paper sheet and the confirmed result.
"""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from leitai.arenas.audit.replay import replay_arena
from leitai.arenas.models import Absence, Recusal, RecusalSource
from leitai.arenas.services import common, console, setup, sheets
from leitai.ledger.chain import arena_chain, entries_of
from tests.arena_factories import ArenaWorld, in_order, make_arena_world, marks, score_current
from tests.ledger.helpers import run_verify

pytestmark = pytest.mark.django_db

migration = importlib.import_module("leitai.arenas.migrations.0006_absence")


def written_before_absences_had_their_entry(
    arena: Any, kind: str, data: dict[str, Any], actor: str
) -> int:
    """The arena services' `record`, writing what they wrote before `judge_absence`: a recusal
    with source absent, and its lifting as the host's recusal command wrote it (source host)."""
    if kind == "judge_absence":
        kind, data = (
            "recusal",
            {
                "judge": data["judge"],
                "participant": data["participant"],
                "source": "absent" if data["active"] else RecusalSource.HOST,
                "reason": data["reason"],
                "active": data["active"],
            },
        )
    return common.record(arena, kind, data, actor)


@pytest.fixture
def legacy_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "record", written_before_absences_had_their_entry)


def play_day_with_a_lifted_absence() -> ArenaWorld:
    world = make_arena_world(participants=2, judges=3)
    host = world.host_user
    first = in_order(world)[0]
    console.call_next(arena=world.arena, expected_current=None, by=host)
    console.open_scoring(arena=world.arena, participant_id=first.pk, by=host)
    for code in ("J1", "J2"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=first.pk, marks=marks("20"), key=f"1{code}"
        )
    console.close_scoring(arena=world.arena, participant_id=first.pk, by=host, reason="评委离场")
    assert Absence.objects.get(judge=world.judge("J3"), participant=first).active
    setup.set_absence(
        judge=world.judge("J3"), participant=first, active=False, reason="评委回场", by=host
    )
    sheets.reopen_sheet(
        judge=world.judge("J1"), participant_id=first.pk, reason="录入有误", by=host
    )
    sheets.submit_sheet(
        judge=world.judge("J1"), participant_id=first.pk, marks=marks("22"), key="fix"
    )
    sheets.enter_paper_sheet(
        judge=world.judge("J3"), participant_id=first.pk, marks=marks("24"), key="paper", by=host
    )
    confirmed = sheets.confirm_result(participant_id=first.pk, judge=world.judge("J1"))
    assert confirmed.result["judges"] == 3
    console.show_result(arena=world.refresh(), participant_id=first.pk, by=host)
    score_current(world, {code: marks("25") for code in ("J1", "J2", "J3")})
    console.close_arena(arena=world.refresh(), by=host)
    world.refresh()
    return world


def kinds_of(world: ArenaWorld) -> list[str]:
    return [entry["kind"] for entry in entries_of(arena_chain(world.arena.pk))]


def verify_export(world: ArenaWorld, path: Path) -> tuple[int, str]:
    call_command("ledger", "export", str(world.arena.pk), "--out", str(path), stdout=io.StringIO())
    return run_verify(str(path))


def test_an_absence_is_its_own_entry_and_verifies(tmp_path: Path) -> None:
    world = play_day_with_a_lifted_absence()
    kinds = kinds_of(world)
    assert kinds.count("judge_absence") == 2  # recorded, then lifted
    assert kinds[kinds.index("judge_absence") + 1] == "scoring_closed"
    assert not Recusal.objects.filter(judge__arena=world.arena).exists()
    status, output = run_verify()
    assert status == 0, output
    status, output = verify_export(world, tmp_path / "day.json")
    assert status == 0, output


def test_a_chain_written_before_absences_had_their_entry_still_verifies(
    legacy_ledger: None, tmp_path: Path
) -> None:
    world = play_day_with_a_lifted_absence()
    kinds = kinds_of(world)
    assert "judge_absence" not in kinds
    bodies = [
        json.loads(entry["body"])["data"]
        for entry in entries_of(arena_chain(world.arena.pk))
        if entry["kind"] == "recusal"
    ]
    assert [(b["judge"], b["source"], b["active"]) for b in bodies] == [
        ("J3", "absent", True),
        ("J3", "host", False),
    ]
    replay = replay_arena(arena_chain(world.arena.pk), entries_of(arena_chain(world.arena.pk)))
    assert replay.problems == []
    assert replay.results == 2
    status, output = run_verify()
    assert status == 0, output
    status, output = verify_export(world, tmp_path / "day.json")
    assert status == 0, output


def test_an_old_format_absence_not_lifted_still_refuses_the_judge_on_replay(
    legacy_ledger: None,
) -> None:
    """Read the other way: the replay does hold an old-format absence, naming a sheet of the
    judge recorded absent."""
    world = make_arena_world(participants=2, judges=3)
    host = world.host_user
    first = in_order(world)[0]
    console.call_next(arena=world.arena, expected_current=None, by=host)
    console.open_scoring(arena=world.arena, participant_id=first.pk, by=host)
    for code in ("J1", "J2"):
        sheets.submit_sheet(
            judge=world.judge(code), participant_id=first.pk, marks=marks("20"), key=f"1{code}"
        )
    console.close_scoring(arena=world.arena, participant_id=first.pk, by=host, reason="评委离场")
    chain = arena_chain(world.arena.pk)
    entries = entries_of(chain)
    forged = {
        "seq": entries[-1]["seq"] + 1,
        "kind": "sheet",
        "body": json.dumps(
            {
                "actor": "judge:J3",
                "data": {
                    "judge": "J3",
                    "participant": first.unit.code,
                    "marks": marks("20"),
                    "total": "75",
                    "source": "phone",
                    "key": "late",
                    "correction": False,
                },
            }
        ),
        "hash": "",
    }
    replay = replay_arena(chain, [*entries, forged])
    assert [p.message for p in replay.problems] == [
        f"scoring was not open for {first.unit.code} ({first.unit.name}) (scored)",
        f"judge J3 was recorded absent for {first.unit.code} ({first.unit.name})",
    ]


def test_the_migration_moves_absent_recusals_to_absences_and_back() -> None:
    world = make_arena_world(participants=2, judges=3)
    first, second = in_order(world)
    j1, j2, j3 = (world.judge(code) for code in ("J1", "J2", "J3"))
    host = Recusal.objects.create(judge=j1, participant=first, source="host", reason="同一社区")
    Recusal.objects.create(judge=j2, participant=first, source="absent", reason="评委离场")
    Recusal.objects.create(
        judge=j3,
        participant=second,
        source="absent",
        reason="离席",
        active=False,
        lifted_reason="回场",
    )
    stamps = dict(Recusal.objects.filter(source="absent").values_list("judge_id", "created_at"))

    migration.absences_to_their_own_rows(django_apps, None)
    assert list(Recusal.objects.values_list("pk", flat=True)) == [host.pk]
    moved = {
        (a.judge_id, a.participant_id): (a.reason, a.active, a.lifted_reason, a.created_at)
        for a in Absence.objects.all()
    }
    assert moved == {
        (j2.pk, first.pk): ("评委离场", True, "", stamps[j2.pk]),
        (j3.pk, second.pk): ("离席", False, "回场", stamps[j3.pk]),
    }

    migration.absences_back_to_recusals(django_apps, None)
    assert not Absence.objects.exists()
    back = {
        (r.judge_id, r.participant_id): (r.source, r.reason, r.active, r.lifted_reason)
        for r in Recusal.objects.all()
    }
    assert back == {
        (j1.pk, first.pk): ("host", "同一社区", True, ""),
        (j2.pk, first.pk): ("absent", "评委离场", True, ""),
        (j3.pk, second.pk): ("absent", "离席", False, "回场"),
    }
