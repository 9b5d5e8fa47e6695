"""`leitai ledger verify [FILE] [--all]` and `leitai ledger export ARENA [--out FILE]`.

Without FILE, verify reads the database: every chain, every arena recomputed from its entries
alone, and the database held against the ledger. With FILE it checks an export offline, through
the same replay code and without touching the database (leitai.cli runs it without Django's
settings). Each chain's meaning is its kind's (leitai.ledger.registry: the arena's is
leitai.arenas.audit). Exit status: 0 verified, 1 a problem found (the first
differing entry is named), 2 a file that is not a ledger export.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leitai.ledger import registry
from leitai.ledger.exporting import verify_file
from leitai.ledger.reports import print_reports


class Command(BaseCommand):
    help = "Verify the ledger and recompute every result from it, or export an arena's chain."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,export}")
        verify = actions.add_parser(
            "verify",
            help="check every chain and recompute every result (or check an exported FILE)",
        )
        verify.add_argument("file", nargs="?", type=Path, help="an export to check offline")
        verify.add_argument("--all", action="store_true", help="list every problem found")
        export = actions.add_parser("export", help="write an arena's chain to a JSON file")
        export.add_argument("arena", help="the arena's number (12, or arena:12)")
        export.add_argument(
            "--out", help="the file to write (default leitai-arena-N-ledger.json; - for stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options["arena"], options["out"])
            return
        if options["file"] is not None:
            status = verify_file(options["file"], show_all=options["all"], out=self.stdout)
        else:
            from leitai.ledger.verify import verify_database

            started = time.perf_counter()
            reports = verify_database()
            status = print_reports(
                reports, started=started, show_all=options["all"], out=self.stdout
            )
        if status == 2:
            raise CommandError("not a ledger export", returncode=2)
        if status:
            raise CommandError(
                "the ledger does not verify: see the first problem above", returncode=1
            )

    def export(self, arena: str, out: str | None) -> None:
        try:
            data = registry.for_export(arena).export(arena)
        except (ValueError, LookupError) as error:
            raise CommandError(str(error)) from None
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if out == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(out or f"leitai-{data['chain'].replace(':', '-')}-ledger.json")
        # Written beside the target and renamed, so a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=path.parent or Path(), prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        head = data["head"]
        self.stdout.write(
            f"{path}: {data['chain']}, {len(data['entries'])} entries, "
            f"{len(data['anchors'])} anchors, head #{head['seq']} {head['hash']}\n"
            f"Check it anywhere with: leitai ledger verify {path}"
        )
