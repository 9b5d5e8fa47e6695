"""The export file of one arena's chain, both ways: `leitai ledger export ARENA` writes it,
`leitai ledger verify FILE` checks it — anywhere, with no database and no project settings
(`python -m leitai.ledger.exporting FILE` needs only Leitai installed).

The file holds the arena chain's entries verbatim (the body text exactly as it was hashed) and
the global chain's anchors of that chain; see docs/ledger.md. Importing this module loads no
Django model: the export itself imports the ORM when it runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leitai.ledger.hashing import ANCHOR_KINDS, GLOBAL_CHAIN
from leitai.ledger.replay import (
    ArenaReplay,
    Problem,
    anchors_for,
    check_anchors,
    check_chain,
    first_problem,
    replay_arena,
    short,
)

EXPORT_FORMAT = "leitai-ledger-export"
EXPORT_VERSION = 1


class UnknownArena(LookupError):
    pass


def parse_arena(text: str) -> int:
    """ "12" or "arena:12" → 12."""
    number = text.strip().removeprefix("arena:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not an arena number (12, or arena:12)")
    return int(number)


def export_arena(arena_id: int) -> dict[str, Any]:
    from leitai.ledger.chain import arena_chain, entries_of
    from leitai.ledger.models import LedgerEntry

    chain = arena_chain(arena_id)
    entries = entries_of(chain)
    if not entries:
        raise UnknownArena(f"no ledger chain {chain}: no arena {arena_id} was ever created")
    # The global chain holds two anchors per arena: small enough to filter after reading.
    anchors = list(
        LedgerEntry.objects.filter(chain=GLOBAL_CHAIN, kind__in=ANCHOR_KINDS)
        .order_by("seq")
        .values("chain", "seq", "kind", "body", "prev_hash", "hash")
    )
    last = entries[-1]
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "arena": arena_id,
        "chain": chain,
        "head": {"seq": last["seq"], "hash": last["hash"]},
        "entries": entries,
        "anchors": anchors_for(chain, anchors),
    }


# -- reports ---------------------------------------------------------------------------------------


@dataclass
class ChainReport:
    chain: str
    entries: int
    head: tuple[int, str]
    problems: list[Problem] = field(default_factory=list)
    detail: str = ""  # what was replayed, for the summary line

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        described = f"{self.chain}  #{self.head[0]} {self.head[1]}  {self.entries} entries"
        if self.detail:
            described += f", {self.detail}"
        if self.ok:
            return f"ok    {described}"
        first = first_problem(self.problems)
        more = len(self.problems) - 1
        return f"FAIL  {described}\n      {first}" + (
            f"  (and {more} more problem{'s' if more > 1 else ''}; --all lists them)"
            if more
            else ""
        )


def describe(replay: ArenaReplay) -> str:
    sheets = len(replay.sheets)
    return (
        f"{len(replay.participants)} participants, {sheets} sheets, "
        f"{replay.results} results recomputed"
        + (", closed" if replay.closed_seq else (", live" if replay.live_seq else ""))
    )


def print_reports(
    reports: Sequence[ChainReport], *, started: float, show_all: bool, out: Any
) -> int:
    """One line per chain, then the summary; returns the exit status (0 all good, 1 not)."""
    for report in reports:
        out.write(report.line() + "\n")
        if show_all and len(report.problems) > 1:
            for problem in sorted(report.problems, key=lambda p: p.order)[1:]:
                out.write(f"      {problem}\n")
    failed = [r for r in reports if not r.ok]
    entries = sum(r.entries for r in reports)
    seconds = time.perf_counter() - started
    if failed:
        first = first_problem(failed[0].problems)
        out.write(
            f"ledger verify: FAILED — {len(failed)} of {len(reports)} "
            f"chain{'s' if len(reports) != 1 else ''} with problems; "
            f"first: {first} ({seconds:.2f} s)\n"
        )
        return 1
    chains = f"{len(reports)} chain{'s' if len(reports) != 1 else ''}"
    out.write(
        f"ledger verify: all {chains} and {entries} entries verified, "
        f"every result recomputed and matching ({seconds:.2f} s)\n"
    )
    return 0


# -- an exported file, offline -------------------------------------------------------------------


class ExportError(ValueError):
    """The file is not a Leitai ledger export this version can read."""


def verify_export(data: Any) -> list[ChainReport]:
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ExportError(f'not a Leitai ledger export ("format": "{EXPORT_FORMAT}" missing)')
    if data.get("version") != EXPORT_VERSION:
        raise ExportError(
            f"export format version {data.get('version')!r}; this Leitai reads {EXPORT_VERSION}"
        )
    chain = data.get("chain")
    entries, anchors = data.get("entries"), data.get("anchors", [])
    if not isinstance(chain, str) or not isinstance(entries, list) or not isinstance(anchors, list):
        raise ExportError("the export lacks its chain, entries or anchors")
    fields = ("seq", "kind", "body", "prev_hash", "hash")
    for number, entry in enumerate([*entries, *anchors], start=1):
        if not isinstance(entry, dict) or any(name not in entry for name in fields):
            raise ExportError(f"item {number} of the entries and anchors lacks one of {fields}")
    problems = check_chain(chain, entries)
    for anchor in anchors:
        if anchor.get("chain", GLOBAL_CHAIN) != GLOBAL_CHAIN or anchor["kind"] not in ANCHOR_KINDS:
            problems.append(
                Problem(
                    GLOBAL_CHAIN,
                    int(anchor["seq"]),
                    str(anchor["kind"]),
                    "is not an anchor of the global chain",
                )
            )
    replay = replay_arena(chain, entries)
    problems += replay.problems
    problems += check_anchors(replay, entries, anchors_for(chain, anchors), check_own_hash=True)
    head = data.get("head")
    if isinstance(head, dict) and (head.get("seq"), head.get("hash")) != (
        replay.head[0],
        replay.head[1],
    ):
        problems.append(
            Problem(
                chain,
                None,
                "head",
                f"the file's head #{head.get('seq')} "
                f"{short(str(head.get('hash')))}… is not its last entry",
            )
        )
    return [ChainReport(chain, replay.entries, replay.head, problems, describe(replay))]


def verify_file(path: Path, *, show_all: bool = False, out: Any = None) -> int:
    """Exit status: 0 verified, 1 problems found, 2 the file cannot be read as an export."""
    out = out or sys.stdout
    started = time.perf_counter()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        reports = verify_export(data)
    except (OSError, UnicodeDecodeError, ValueError) as error:  # ExportError is a ValueError
        out.write(f"ledger verify: cannot read {path}: {error}\n")
        return 2
    status = print_reports(reports, started=started, show_all=show_all, out=out)
    head = reports[0].head
    out.write(
        f"{reports[0].chain} head: #{head[0]} {head[1]}\n"
        "Compare it with the chain head printed on the signed score sheet and the public "
        "results page.\n"
    )
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m leitai.ledger.exporting FILE`: verify an export without a database."""
    parser = argparse.ArgumentParser(
        prog="leitai ledger verify", description="Verify an exported arena ledger offline."
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--all", action="store_true", help="list every problem, not the first")
    args = parser.parse_args(argv)
    _settings_for_messages()
    return verify_file(args.file, show_all=args.all)


def _settings_for_messages() -> None:
    """The rubric checks word their refusals with gettext, which reads Django's settings; with
    no project settings at hand, plain English will do."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)


if __name__ == "__main__":
    sys.exit(main())
