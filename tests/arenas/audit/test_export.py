"""`leitai ledger export ARENA` and `leitai ledger verify FILE`: an export verifies offline,
without a database or Django settings, and a hand-edited export names the entry it broke."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leitai.ledger.hashing import entry_hash
from tests.arena_factories import ArenaWorld
from tests.ledger.helpers import first_problem, run_verify

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def export(world: ArenaWorld, path: Path) -> dict[str, Any]:
    out = io.StringIO()
    call_command("ledger", "export", str(world.arena.pk), "--out", str(path), stdout=out)
    assert f"Check it anywhere with: leitai ledger verify {path}" in out.getvalue()
    return json.loads(path.read_text(encoding="utf-8"))


def rewrite(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def rehash_from(data: dict[str, Any], index: int) -> None:
    """What a careful forger does: recompute every hash from the edited entry on."""
    entries = data["entries"]
    for position in range(index, len(entries)):
        entry = entries[position]
        if position:
            entry["prev_hash"] = entries[position - 1]["hash"]
        entry["hash"] = entry_hash(
            entry["prev_hash"], data["chain"], entry["seq"], entry["kind"], entry["body"]
        )
    data["head"] = {"seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}


def edit_data(entry: dict[str, Any], change: Any) -> None:
    body = json.loads(entry["body"])
    change(body["data"])
    entry["body"] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_an_export_holds_the_chain_verbatim_and_its_anchors(
    full_day: ArenaWorld, tmp_path: Path
) -> None:
    data = export(full_day, tmp_path / "day.json")
    assert data["format"] == "leitai-ledger-export"
    assert data["version"] == 1
    assert data["chain"] == f"arena:{full_day.arena.pk}"
    assert [a["kind"] for a in data["anchors"]] == ["arena_live", "arena_closed"]
    assert set(data["entries"][0]) == {"chain", "seq", "kind", "body", "prev_hash", "hash"}
    assert data["head"] == {"seq": data["entries"][-1]["seq"], "hash": data["entries"][-1]["hash"]}


def test_a_clean_export_verifies_offline(full_day: ArenaWorld, tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    export(full_day, path)
    status, output = run_verify(str(path))
    assert status == 0
    assert output.splitlines()[0].startswith(f"ok    arena:{full_day.arena.pk}  #")
    assert "compare it with the chain head printed" in output.lower()


def test_verifying_a_file_needs_no_database_nor_settings(
    full_day: ArenaWorld, tmp_path: Path
) -> None:
    """Another machine: a fresh interpreter with no DJANGO_SETTINGS_MODULE and no database."""
    path = tmp_path / "day.json"
    export(full_day, path)
    script = (
        "import sys\n"
        "from leitai.cli import main\n"
        f"status = main(['ledger', 'verify', {str(path)!r}])\n"
        "assert 'leitai.settings' not in sys.modules, 'project settings were loaded'\n"
        "assert 'leitai.ledger.models' not in sys.modules, 'models were imported'\n"
        "conf = sys.modules.get('django.conf')\n"
        "assert conf is None or not conf.settings.configured, 'Django settings were configured'\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env["DATABASE_URL"] = "postgres://nobody@192.0.2.1:1/none"  # unreachable if ever used
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    arena:" in done.stdout


def test_an_export_edited_by_hand_names_the_entry(full_day: ArenaWorld, tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    data = export(full_day, path)
    entry = next(e for e in data["entries"] if e["kind"] == "sheet")
    entry["body"] = entry["body"].replace('"achievements":"21"', '"achievements":"30"')
    rewrite(path, data)
    status, output = run_verify(str(path))
    assert status == 1
    assert first_problem(output) == (
        f"{data['chain']} #{entry['seq']} sheet: its content does not match its hash"
    )


def test_a_rehashed_forgery_is_named_by_the_replay(full_day: ArenaWorld, tmp_path: Path) -> None:
    """Marks and total changed and every hash recomputed: the chain links, but the result
    confirmed from that sheet no longer follows from it, and the anchors disagree."""
    path = tmp_path / "day.json"
    data = export(full_day, path)
    index = next(i for i, e in enumerate(data["entries"]) if e["kind"] == "sheet")

    def raise_marks(sheet: dict[str, Any]) -> None:
        sheet["marks"]["achievements"] = "30"
        sheet["total"] = "85"

    edit_data(data["entries"][index], raise_marks)
    rehash_from(data, index)
    rewrite(path, data)
    status, output = run_verify(str(path), "--all")
    assert status == 1
    confirmed = next(e for e in data["entries"][index:] if e["kind"] == "confirmed")
    # Totals 76…80 became 85, 77…80: trimming now keeps 78, 79, 80.
    assert first_problem(output) == (
        f"{data['chain']} #{confirmed['seq']} confirmed: "
        "result score 78.00 recorded, 79.00 recomputed from the sheets"
    )
    assert "differs from the one anchored in global" in output


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    [
        (
            "sheet",
            lambda d: d.update(total="99"),
            "total 99 recorded, the marks add up to 76",
        ),
        (
            "confirmed",
            lambda d: d["result"].update(score="90.00"),
            "result score 90.00 recorded, 78.00 recomputed from the sheets",
        ),
        (
            "draw_revealed",
            lambda d: d.update(seed="0" * 64),
            "the revealed seed does not match the published commitment",
        ),
        (
            "sheet",
            lambda d: d.update(judge="J9"),
            "judge J9 was never added",
        ),
        (
            "sheet",
            lambda d: d["marks"].update(spirit="17.25"),
            "marks the rubric refuses: spirit: 17.25 is not a multiple of the step 0.5",
        ),
    ],
)
def test_forged_entries_are_named_by_the_replay(
    full_day: ArenaWorld, tmp_path: Path, kind: str, change: Any, expected: str
) -> None:
    path = tmp_path / "day.json"
    data = export(full_day, path)
    index = next(i for i, e in enumerate(data["entries"]) if e["kind"] == kind)
    edit_data(data["entries"][index], change)
    rehash_from(data, index)
    rewrite(path, data)
    status, output = run_verify(str(path))
    assert status == 1
    entry = data["entries"][index]
    assert first_problem(output) == f"{data['chain']} #{entry['seq']} {kind}: {expected}"


def test_a_confirmation_by_another_judge_than_the_head_is_named(
    full_day: ArenaWorld, tmp_path: Path
) -> None:
    path = tmp_path / "day.json"
    data = export(full_day, path)
    index = next(i for i, e in enumerate(data["entries"]) if e["kind"] == "confirmed")
    entry = data["entries"][index]
    body = json.loads(entry["body"])
    body["actor"] = "judge:J2"
    entry["body"] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rehash_from(data, index)
    rewrite(path, data)
    status, output = run_verify(str(path))
    assert status == 1
    assert first_problem(output) == (
        f"{data['chain']} #{entry['seq']} confirmed: confirmed by J2, who was not the head judge"
    )


def test_a_truncated_export_is_named_by_its_head(full_day: ArenaWorld, tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    data = export(full_day, path)
    del data["entries"][-3:]
    rewrite(path, data)
    status, output = run_verify(str(path), "--all")
    assert status == 1
    assert "is not its last entry" in output
    assert "no arena_closed" not in output  # the anchor still names the missing close
    assert "which the chain does not hold" in output


def test_a_file_that_is_not_an_export_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    status, output = run_verify(str(path))
    assert status == 2
    assert "not a Leitai ledger export" in output


def test_export_of_an_unknown_arena_is_refused() -> None:
    with pytest.raises(CommandError, match="no ledger chain arena:999999"):
        call_command("ledger", "export", "999999", stdout=io.StringIO())


def test_the_leitai_command_verifies_a_file(full_day: ArenaWorld, tmp_path: Path) -> None:
    """`leitai ledger verify FILE` through the dispatcher, as a person types it."""
    path = tmp_path / "day.json"
    export(full_day, path)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("leitai")), "ledger", "verify", str(path)],
        cwd=tmp_path,
        env={**env, "LEITAI_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"ok    arena:{full_day.arena.pk}  #")
