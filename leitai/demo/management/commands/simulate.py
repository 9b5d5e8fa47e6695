"""`leitai simulate`: play a whole arena against a running server, as phones and screens do.

    leitai simulate --url http://127.0.0.1:8000 --arena 2 --judges 7 --speed 20 --hold 5

For demos, rehearsals and load tests. It needs only the server's address and a host account
(the demo host by default); it never opens the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leitai.simulation import Options, SimulationError, describe, run_simulation


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def _not_negative(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Play a whole arena against a running Leitai server over HTTP and WebSockets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
        parser.add_argument("--arena", type=int, required=True, help="the arena's number")
        parser.add_argument(
            "--judges", type=int, default=7, help="judges on the panel (added if fewer)"
        )
        parser.add_argument(
            "--speed",
            type=_positive,
            default=1.0,
            help="divide every wait by this (60: a minute of the day takes a second)",
        )
        parser.add_argument(
            "--hold",
            type=_not_negative,
            default=0.0,
            help="keep each shown result on the screen at least this many real seconds",
        )
        parser.add_argument("--user", default="jinhulu-host", help="the host's account")
        parser.add_argument("--password", default="leitai-demo")
        parser.add_argument("--seed", type=int, default=None, help="repeat a run's marks")
        parser.add_argument(
            "--viewers", type=int, default=0, help="extra public followers of the screen"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["judges"] < 1:
            raise CommandError("--judges must be at least 1")
        if options["viewers"] < 0:
            raise CommandError("--viewers must not be negative")
        settings = Options(
            url=options["url"],
            arena=options["arena"],
            judges=options["judges"],
            speed=options["speed"],
            user=options["user"],
            password=options["password"],
            seed=options["seed"],
            viewers=options["viewers"],
            hold=options["hold"],
        )

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        log(f"simulating arena {settings.arena} at {settings.url} (speed ×{settings.speed:g})")
        try:
            summary = run_simulation(settings, log)
        except SimulationError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError(
                "interrupted: run it again to go on from where the arena is"
            ) from None
        for line in describe(summary):
            log(line)
        missed = summary.missed()
        if missed:
            labels = ", ".join(sorted({e.label for e in missed})[:5])
            raise CommandError(
                f"the followers missed {len(missed)} of {len(summary.expectations)} expected "
                f"updates ({labels})"
            )
