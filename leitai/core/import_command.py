"""The command-line face of the shared import path: `leitai import-orgs` / `leitai import-users`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from leitai.core.imports import (
    Importer,
    ImportRejected,
    Plan,
    RecordedImporter,
    StalePlan,
    importer_for,
)
from leitai.core.progress import ProgressBar
from leitai.core.tabular import FileProblem

SHOWN_PROBLEMS = 50


class ImportCommand(BaseCommand):
    kind = ""
    # An import needs the models, not the URL configuration and every view module behind it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--prune",
            action="store_true",
            help="remove what the file does not list (default: keep it)",
        )
        parser.add_argument("--yes", action="store_true", help="import without asking")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the preview; change nothing"
        )
        parser.add_argument(
            "--as-user",
            default="",
            help="apply the scope of this account (default: no scope limit)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = self._actor(options["as_user"])
        importer = importer_for(self.kind)
        progress = ProgressBar()
        try:
            if options["yes"] and not options["dry_run"]:
                self._apply(importer, path, actor, options["prune"], progress, None)
                return
            plan = importer.check(
                path, path.name, actor=actor, prune=options["prune"], progress=progress
            )
            progress.finish()
            self._show(plan, done=False)
            if options["dry_run"]:
                return
            if not sys.stdin.isatty():
                raise CommandError("not a terminal: pass --yes to import without asking")
            if input("Import these changes? [y/N] ").strip().lower() not in {"y", "yes"}:
                self.stdout.write("Nothing changed.")
                return
            self._apply(importer, path, actor, options["prune"], progress, plan.digest)
        except ImportRejected as rejected:
            progress.finish()
            self._show_problems(path, rejected)
            raise CommandError(f"{rejected.total} problem(s) in {path}; nothing changed") from None
        except FileProblem as problem:
            progress.finish()
            raise CommandError(f"{path}: {problem}") from None
        except StalePlan:
            raise CommandError("the data changed during the preview; nothing changed") from None

    def _apply(
        self,
        importer: Importer,
        path: Path,
        actor: Any,
        prune: bool,
        progress: ProgressBar,
        expected_digest: str | None,
    ) -> None:
        """Prepare outside any transaction (the slow, lock-free part), then write in one; an
        importer that keeps its own record of an import writes in short transactions instead
        (a province's daily data would hold the write lock for minutes in one)."""
        prepared = importer.prepare(path, path.name, actor=actor, prune=prune, progress=progress)
        if isinstance(importer, RecordedImporter):
            plan = importer.apply_recorded(
                None,
                path,
                path.name,
                actor=actor,
                prune=prune,
                progress=progress,
                expected_digest=expected_digest,
                prepared=prepared,
            )
            progress.finish()
            self._show(plan, done=True)
            return
        with transaction.atomic():
            plan = importer.apply(
                path,
                path.name,
                actor=actor,
                prune=prune,
                progress=progress,
                expected_digest=expected_digest,
                prepared=prepared,
            )
        progress.finish()
        self._show(plan, done=True)

    @staticmethod
    def _actor(username: str) -> Any:
        User = get_user_model()  # the project's user model, whichever app defines it
        if not username:
            return User(is_superuser=True, is_active=True)
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"--as-user {username}: no such account")
        return actor

    def _show(self, plan: Plan, *, done: bool) -> None:
        self.stdout.write("Imported:" if done else "Preview (nothing changed yet):")
        for key, value in plan.counts.items():
            self.stdout.write(f"  {key:<10} {value:>10,}")

    def _show_problems(self, path: Path, rejected: ImportRejected) -> None:
        self.stderr.write(f"{path}: {rejected.total} problem(s); nothing changed")
        self.stderr.write(f"{'row':>8}  {'column':<14} {'value':<24} problem")
        for problem in rejected.problems[:SHOWN_PROBLEMS]:
            value = problem.value if len(problem.value) <= 24 else problem.value[:21] + "..."
            self.stderr.write(
                f"{problem.row:>8}  {problem.column:<14} {value:<24} {problem.reason}"
            )
        if rejected.total > SHOWN_PROBLEMS:
            self.stderr.write(f"... and {rejected.total - SHOWN_PROBLEMS} more")
