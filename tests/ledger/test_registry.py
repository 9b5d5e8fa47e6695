"""The ledger checks every chain the same way and leaves what the entries mean to the kind an
app registered (leitai.ledger.registry): the arenas app's, and here a toy kind of the test's own."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from leitai.ledger import registry
from leitai.ledger.chain import append, entries_of
from leitai.ledger.checks import Problem, last_of
from leitai.ledger.exporting import EXPORT_FORMAT, EXPORT_VERSION
from tests.ledger.helpers import run_verify

pytestmark = pytest.mark.django_db


@dataclass
class ToyReplay:
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0
    head: tuple[int, str] = (0, "")

    def anchored_at(self) -> Mapping[str, int | None]:
        return {}

    def describe(self) -> str:
        return f"{self.entries} toys replayed"


def toy_replay(chain: str, entries: Sequence[Mapping[str, Any]]) -> ToyReplay:
    return ToyReplay(entries=len(entries), head=last_of(entries))


class ToyRecords:
    def numbers(self) -> Iterable[int]:
        return [1, 2]  # toy 2 has a row and no entries

    def compare(
        self, chain: str, number: int, replay: ToyReplay, entries: Sequence[Mapping[str, Any]]
    ) -> list[Problem]:
        return [] if entries else [Problem(chain, None, "", f"toy {number} has no entries")]


TOYS = registry.ChainKind(
    prefix="toy",
    noun="a toy",
    replay=toy_replay,
    compare=ToyRecords,
    export=lambda text: {"toy": text},
)


def write(chain: str) -> None:
    with transaction.atomic():
        append(chain=chain, kind="made", data={"n": "1"}, actor="system")


def test_a_chain_of_no_registered_kind_is_checked_for_links_and_named_so() -> None:
    write("misc:1")
    status, output = run_verify()
    assert status == 0, output
    assert "ok    misc:1  #1 " in output
    assert output.splitlines()[1].endswith(
        "1 entries, not an arena, a unit's facts, a programme's settings, a unit's evidence, "
        "a daily import or a holiday calendar chain"
    )


def test_verify_walks_every_registered_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._kinds, "toy", TOYS)
    write("toy:1")
    status, output = run_verify()
    lines = output.splitlines()
    assert status == 1
    assert lines[1].startswith("ok    toy:1  #1 ")
    assert lines[1].endswith("1 toys replayed")
    assert lines[2].startswith("FAIL  toy:2  #0 ")
    assert lines[3].strip() == "toy:2: toy 2 has no entries"
    assert registry.for_export("toy:7") is TOYS
    assert registry.for_export("7").prefix == "arena"  # a bare number: the first kind registered


def test_export_names_what_it_cannot_find() -> None:
    with pytest.raises(CommandError, match=r"'nope' is not an arena number \(12, or arena:12\)"):
        call_command("ledger", "export", "nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no ledger chain arena:999: no arena 999 was ever"):
        call_command("ledger", "export", "999", stdout=io.StringIO())


def test_a_file_of_a_kind_this_leitai_does_not_know_is_not_an_export(tmp_path: Path) -> None:
    write("toy:1")
    path = tmp_path / "toy.json"
    entries = entries_of("toy:1")
    path.write_text(
        json.dumps(
            {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "chain": "toy:1",
                "entries": entries,
                "anchors": [],
            }
        )
    )
    status, output = run_verify(str(path))
    assert status == 2
    assert "the export holds chain toy:1, of no kind this Leitai knows" in output
