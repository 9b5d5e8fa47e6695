"""The export file of one chain, both ways: `leitai ledger export ARENA` writes it (through the
chain's kind, leitai.ledger.registry), `leitai ledger verify FILE` checks it — anywhere, with no
database and no project settings (`python -m leitai.cli ledger verify FILE` needs only Leitai
installed; leitai.cli registers the kinds an export may hold).

The file holds the chain's entries verbatim (the body text exactly as it was hashed) and the
global chain's anchors of that chain; see docs/ledger.md. Importing this module loads no Django
model: the export itself imports the ORM when it runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leitai.ledger import registry
from leitai.ledger.checks import Problem, anchors_for, check_anchors, check_chain, short
from leitai.ledger.hashing import ANCHOR_KINDS, GLOBAL_CHAIN
from leitai.ledger.reports import ChainReport, print_reports

EXPORT_FORMAT = "leitai-ledger-export"
EXPORT_VERSION = 1


class EmptyChain(LookupError):
    """No entry was ever written to the chain asked for."""


def export_chain(chain: str, header: dict[str, Any]) -> dict[str, Any]:
    """The file's content: the chain's entries and anchors; `header` names the record (the
    kind's own fields, such as "arena": 12)."""
    from leitai.ledger.chain import entries_of
    from leitai.ledger.models import LedgerEntry

    entries = entries_of(chain)
    if not entries:
        raise EmptyChain(f"no ledger chain {chain}")
    # The global chain holds two anchors per record: small enough to filter after reading.
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
        **header,
        "chain": chain,
        "head": {"seq": last["seq"], "hash": last["hash"]},
        "entries": entries,
        "anchors": anchors_for(chain, anchors),
    }


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
    kind = registry.kind_of(chain)
    if kind is None:
        raise ExportError(f"the export holds chain {chain}, of no kind this Leitai knows")
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
    replay = kind.replay(chain, entries)
    problems += replay.problems
    problems += check_anchors(
        chain, replay.anchored_at(), entries, anchors_for(chain, anchors), check_own_hash=True
    )
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
    return [ChainReport(chain, replay.entries, replay.head, problems, replay.describe())]


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
    """`leitai ledger verify FILE` without a database (leitai.cli registers the chain kinds)."""
    parser = argparse.ArgumentParser(
        prog="leitai ledger verify", description="Verify an exported arena ledger offline."
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--all", action="store_true", help="list every problem, not the first")
    args = parser.parse_args(argv)
    return verify_file(args.file, show_all=args.all)
