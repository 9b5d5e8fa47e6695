"""The `leitai` command.

`leitai stats …` and `leitai draw …` are the scoring core's analyst tools: they run without
starting Django (a CSV of marks needs no database). Every other word is a Django management
command, with hyphens accepted for underscores: `leitai import-orgs FILE` runs `import_orgs`.
"""

from __future__ import annotations

import os
import sys

SCORING_COMMANDS = {"stats", "draw"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SCORING_COMMANDS:
        from leitai.scoring.analysis.cli import main as scoring_main

        return scoring_main(args)

    if args[:2] == ["ledger", "verify"] and any(not a.startswith("-") for a in args[2:]):
        # Checking an exported ledger file needs no database and no settings: anyone can run it.
        # Each app whose chains an export may hold registers its kind, as its AppConfig.ready()
        # does when Django runs.
        from leitai.arenas import audit
        from leitai.core.workdays import audit as calendar_audit
        from leitai.evidence import audit as evidence_audit
        from leitai.evidence.audit import daily as daily_audit
        from leitai.ledger.exporting import main as verify_export
        from leitai.orgs import audit as orgs_audit
        from leitai.programs import audit as programs_audit

        audit.register()
        orgs_audit.register()
        programs_audit.register()
        evidence_audit.register()
        daily_audit.register()
        calendar_audit.register()
        return verify_export(args[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.settings")
    if args and not args[0].startswith("-") and "-" in args[0]:
        args[0] = args[0].replace("-", "_")

    from django.core.management import execute_from_command_line

    from leitai.env import ConfigurationError

    try:
        execute_from_command_line(["leitai", *args])
    except ConfigurationError as error:
        print(f"leitai: configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
