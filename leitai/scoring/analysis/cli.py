"""`leitai stats …` and `leitai draw …`: the scoring core for analysts and other tools.

    leitai stats aggregate FILE [--mode total|criterion] [--method trimmed|mean|median]
                                [--trim K] [--min-panel M] [--decimals D] [--weights KEY=W,…]
                                [--tie-break untrimmed_mean|criterion:KEY,…] [--json]
    leitai stats reliability FILE [--weights …] [--json]
    leitai stats severity FILE [--weights …] [--json]
    leitai stats robustness FILE --top Q [--samples N] [--seed S] [aggregation options] [--json]
    leitai stats honours FILE --on YYYY-MM-DD [--window-years 3] [--cap 15]
                              [--points national=10,provincial=8,…] [--json]
    leitai stats daily FILE --from YYYY-MM --to YYYY-MM [--founded FILE2] [--json]
    leitai stats quota FILE --seats N [--minimum 1] [--json]
    leitai stats composite FILE --top N [--weights arena=30,reeval=30,daily=25,honours=15]
                                [--tie-break reeval,arena,daily,honours] [--json]
    leitai stats stars FILE [--cap 0.30] [--json]
    leitai draw commit [--seed S] FILE
    leitai draw order --seed S [--public P] FILE
    leitai draw verify --seed S [--public P] --commitment C LIST [--order ORDER]

Bad input is one line on stderr naming the file, the line and the problem, with exit status 2;
never a traceback. `draw verify` exits 1 when the commitment or a given order does not hold.
docs/scoring.md is the full contract.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from leitai.scoring.analysis.longtable import InputError, UsageError, decode_text
from leitai.scoring.draw import (
    DrawError,
    canonical_code,
    commitment,
    draw_order,
    new_seed,
    normalise_seed,
    verify,
)
from leitai.scoring.panel import Method, Mode

PROG = "leitai"
EVIDENCE_COMMANDS = ("honours", "daily")
SELECTION_COMMANDS = ("quota", "composite")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, `leitai: error: …`, and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _weights(text: str) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for part in text.split(","):
        key, sep, raw = part.partition("=")
        key = key.strip()
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not sep or not key or not value.is_finite() or value < 0:
            raise argparse.ArgumentTypeError(f"expected KEY=W with W ≥ 0, got {part!r}")
        if key in weights:
            raise argparse.ArgumentTypeError(f"weight for {key!r} given twice")
        weights[key] = value
    return weights


def _natural(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _add_aggregation_options(parser: argparse.ArgumentParser, *, with_mode: bool) -> None:
    if with_mode:
        parser.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.TOTAL.value)
    parser.add_argument("--method", choices=[m.value for m in Method], default=Method.TRIMMED.value)
    parser.add_argument("--trim", type=_natural(0), default=1, metavar="K")
    parser.add_argument("--min-panel", type=_natural(1), default=5, metavar="M")
    parser.add_argument("--decimals", type=_natural(0), default=2, metavar="D")
    parser.add_argument("--weights", type=_weights, default=None, metavar="KEY=W,…")


def _reference_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def _month(text: str) -> Any:
    from leitai.scoring.daily import DailyError, Month

    try:
        return Month.parse(text)
    except DailyError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {text!r}") from None


def _add_evidence_commands(commands: Any) -> None:
    honours = commands.add_parser("honours", help="honours points and component per unit")
    honours.add_argument("file")
    honours.add_argument("--on", type=_reference_day, required=True, metavar="YYYY-MM-DD")
    honours.add_argument("--window-years", type=_natural(1), default=3, metavar="N")
    honours.add_argument("--cap", type=_natural(1), default=15, metavar="C")
    honours.add_argument("--points", default=None, metavar="national=10,provincial=8,…")
    honours.add_argument("--json", action="store_true")
    daily = commands.add_parser("daily", help="daily-data score per unit")
    daily.add_argument("file")
    daily.add_argument("--from", type=_month, required=True, dest="from_month", metavar="YYYY-MM")
    daily.add_argument("--to", type=_month, required=True, dest="to_month", metavar="YYYY-MM")
    daily.add_argument("--founded", default=None, metavar="FILE2")
    daily.add_argument("--json", action="store_true")


def _add_selection_commands(commands: Any) -> None:
    quota = commands.add_parser("quota", help="seats by the largest remainder with a minimum")
    quota.add_argument("file")
    quota.add_argument("--seats", type=_natural(0), required=True, metavar="N")
    quota.add_argument("--minimum", type=_natural(0), default=1, metavar="M")
    quota.add_argument("--json", action="store_true")
    composite = commands.add_parser("composite", help="composite, ranking and the cut")
    composite.add_argument("file")
    composite.add_argument("--top", type=_natural(0), required=True, metavar="N")
    composite.add_argument(
        "--weights", default=None, metavar="arena=30,reeval=30,daily=25,honours=15"
    )
    composite.add_argument(
        "--tie-break", default="reeval,arena,daily,honours", dest="tie_break", metavar="NAME,…"
    )
    composite.add_argument("--json", action="store_true")
    stars = commands.add_parser("stars", help="star rating with the five-star cap per group")
    stars.add_argument("file")
    stars.add_argument("--cap", default="0.30", metavar="SHARE")
    stars.add_argument("--json", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Leitai's scoring tools (no database needed).")
    groups = parser.add_subparsers(dest="group", required=True, parser_class=_Parser)

    stats = groups.add_parser("stats", help="statistics over a long-format file of marks")
    stats_commands = stats.add_subparsers(dest="command", required=True, parser_class=_Parser)
    aggregate = stats_commands.add_parser("aggregate", help="panel scores and ranking")
    aggregate.add_argument("file")
    _add_aggregation_options(aggregate, with_mode=True)
    aggregate.add_argument(
        "--tie-break", default="", metavar="untrimmed_mean|criterion:KEY,…", dest="tie_break"
    )
    aggregate.add_argument("--json", action="store_true")
    for name, text in (
        ("reliability", "ICCs, Kendall's W, judge deviations"),
        ("severity", "judge severity and comparability across panels"),
    ):
        command = stats_commands.add_parser(name, help=text)
        command.add_argument("file")
        command.add_argument("--weights", type=_weights, default=None, metavar="KEY=W,…")
        command.add_argument("--json", action="store_true")
    robustness = stats_commands.add_parser("robustness", help="bootstrap robustness of a cut")
    robustness.add_argument("file")
    robustness.add_argument("--top", type=_natural(1), required=True, metavar="Q")
    robustness.add_argument("--samples", type=_natural(1), default=2000, metavar="N")
    robustness.add_argument("--seed", type=_natural(0), default=0, metavar="S")
    _add_aggregation_options(robustness, with_mode=False)
    robustness.add_argument("--json", action="store_true")
    _add_evidence_commands(stats_commands)
    _add_selection_commands(stats_commands)

    draw = groups.add_parser("draw", help="verifiable lot drawing")
    draw_commands = draw.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commit = draw_commands.add_parser("commit", help="freeze the list and print a commitment")
    commit.add_argument("--seed", default=None, help="64 hex digits (default: a new random seed)")
    commit.add_argument("file")
    order = draw_commands.add_parser("order", help="print the drawn order")
    order.add_argument("--seed", required=True)
    order.add_argument("--public", default="")
    order.add_argument("file")
    check = draw_commands.add_parser("verify", help="check a published commitment and order")
    check.add_argument("--seed", required=True)
    check.add_argument("--public", default="")
    check.add_argument("--commitment", required=True)
    check.add_argument("file", metavar="LIST", help="the frozen list, one code a line, any order")
    check.add_argument(
        "--order", default=None, metavar="ORDER", help="a published order, one code a line"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        if args.group == "draw":
            return _run_draw(args)
        if _size(args.file) >= BIG_INPUT_BYTES:
            _keep_freed_memory()
        if args.command in EVIDENCE_COMMANDS:
            from leitai.scoring.analysis.cli_evidence import run_evidence

            output = run_evidence(args)
        elif args.command in SELECTION_COMMANDS:
            from leitai.scoring.analysis.cli_selection import run_selection

            output = run_selection(args)
        elif args.command == "stars":
            from leitai.scoring.analysis.cli_stars import run_stars

            output = run_stars(args)
        else:
            from leitai.scoring.analysis.cli_stats import run_stats

            output = run_stats(args)
    except SystemExit as exit_request:  # --help
        return exit_request.code if isinstance(exit_request.code, int) else 0
    except (UsageError, InputError, DrawError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    _write(output)
    return 0


BIG_INPUT_BYTES = 64 << 20


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reading it will report the problem


def _keep_freed_memory() -> None:
    """Ask glibc to serve big arrays from its heap and keep freed memory for reuse.

    A nine-million-row file goes through many short-lived arrays of tens to hundreds of MB. By
    default glibc maps each one fresh from the kernel and unmaps it when freed, so every array
    pays page faults again; on our (virtualised) machines that kernel time was as large as the
    computing. This process is a one-shot command, so holding on to its peak memory until it
    exits costs nothing; it is only done for big inputs, so small runs (and tests calling
    `main` in-process) keep the default. Anywhere but glibc this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 1 << 30)
    mallopt(m_trim_threshold, (1 << 31) - 1)


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) went away; nothing is wrong with the result.
        pass


def read_participant_lines(path: str) -> list[tuple[int, str, str]]:
    """(line number, code, the line as given) for each non-blank line of a participant list.

    The code is the line's text up to its first space or tab; the rest (a name) is shown but
    takes no part in the commitment.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except (IsADirectoryError, PermissionError) as error:
        raise InputError(path, None, error.strerror or "cannot be read") from None
    text = decode_text(path, data)
    entries: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        shown = line.strip()
        if not shown:
            continue
        try:
            canonical = canonical_code(shown.split(maxsplit=1)[0])
        except DrawError as error:
            raise InputError(path, number, str(error)) from None
        if canonical in seen:
            raise InputError(
                path,
                number,
                f"participant code {canonical!r} appears twice (first on line {seen[canonical]})",
            )
        seen[canonical] = number
        entries.append((number, canonical, shown))
    if not entries:
        raise InputError(path, 1, "the file is empty")
    return entries


def _checked_seed(seed: str) -> str:
    try:
        return normalise_seed(seed)
    except DrawError:
        raise UsageError("--seed must be 64 hexadecimal digits") from None


def _run_draw(args: argparse.Namespace) -> int:
    entries = read_participant_lines(args.file)
    codes = [code for _, code, _ in entries]
    if args.command == "commit":
        seed = _checked_seed(args.seed) if args.seed is not None else new_seed()
        _write(f"seed: {seed}\ncommitment: {commitment(seed, codes)}\n")
        return 0
    seed = _checked_seed(args.seed)
    if args.command == "order":
        shown = {code: line for _, code, line in entries}
        _write("".join(shown[code] + "\n" for code in draw_order(seed, args.public, codes)))
        return 0
    expected = args.commitment.strip().lower()
    if len(expected) != 64 or any(ch not in "0123456789abcdef" for ch in expected):
        raise UsageError("--commitment must be 64 hexadecimal digits")
    # The list is taken as frozen, in any line order: the commitment is over its canonical
    # order, and the drawn order is derived from it, never read from the list's lines.
    commitment_ok, _ = verify(seed, args.public, codes, expected)
    drawn = draw_order(seed, args.public, codes)
    lines = [
        f"commitment: {'ok' if commitment_ok else 'MISMATCH'}",
        "drawn order: " + " ".join(drawn),
    ]
    order_ok = True
    if args.order is not None:
        published = [code for _, code, _ in read_participant_lines(args.order)]
        problem = order_difference(published, drawn)
        order_ok = problem is None
        lines.append("order: ok" if order_ok else f"order: MISMATCH ({problem})")
    _write("".join(line + "\n" for line in lines))
    return 0 if commitment_ok and order_ok else 1


def order_difference(published: list[str], drawn: list[str]) -> str | None:
    """Where a published order first departs from the drawn one, in words; None if it does not."""
    for position, (given, expected) in enumerate(zip(published, drawn, strict=False), start=1):
        if given != expected:
            return f"position {position}: published {given}, drawn {expected}"
    if len(published) != len(drawn):
        return f"published {len(published)} participants, drawn {len(drawn)}"
    return None


if __name__ == "__main__":
    sys.exit(main())
