"""mypy over leitai/ against a committed baseline of the errors that remain (`make typecheck`).

mypy has no baseline of its own. This runs it with the configuration in pyproject.toml and
compares its errors, without their line numbers (code above them moves), with
tools/mypy_baseline.txt, counting repeats:

- an error that is not in the baseline fails the run: new code is typed;
- a baseline entry that no longer occurs fails the run too, so the file only shrinks:
  `python tools/mypy_baseline.py --shrink` drops the entries that are gone (and never adds one).

Usage: python tools/mypy_baseline.py [--shrink] [extra mypy arguments]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy_baseline.txt"
HEADER = (
    "# mypy errors that remain in leitai/ (tools/mypy_baseline.py); line numbers left out.\n"
    "# This file only shrinks: fix an error and drop its line (--shrink). Never add one.\n"
)
# "path:line: error: message  [code]", optionally with a column after the line.
ERROR = re.compile(r"^(?P<path>[^:\s]+\.pyi?):(?P<line>\d+)(?::\d+)?: error: (?P<rest>.*)$")


def normalised(line: str) -> str | None:
    """The error without its position, or None for notes and summaries."""
    match = ERROR.match(line)
    return f"{match['path']}: {match['rest']}" if match else None


def run_mypy(extra: list[str]) -> list[str]:
    command = [sys.executable, "-m", "mypy", "--no-pretty", "--no-color-output", *extra]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1) or result.stderr.strip():
        # 2 is mypy's own failure (bad configuration, a crash): never a pass.
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"mypy failed to run (exit {result.returncode})")
    return result.stdout.splitlines()


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def write_baseline(entries: Counter[str]) -> None:
    body = "".join(f"{entry}\n" for entry in sorted(entries.elements()))
    BASELINE.write_text(HEADER + body, encoding="utf-8")


def compare(output: list[str], baseline: Counter[str]) -> tuple[list[str], Counter[str]]:
    """mypy's error lines that the baseline does not cover, and the baseline entries now gone.

    An entry covers as many errors as it is listed times; the errors past that are new.
    """
    errors = [(line, key) for line in output if (key := normalised(line))]
    seen: Counter[str] = Counter()
    new = []
    for line, key in errors:
        seen[key] += 1
        if seen[key] > baseline[key]:
            new.append(line)
    return new, baseline - Counter(key for _, key in errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/mypy_baseline.py")
    parser.add_argument("--shrink", action="store_true", help="drop baseline entries now fixed")
    args, extra = parser.parse_known_args(argv)
    started = time.perf_counter()
    output = run_mypy(extra)
    baseline = read_baseline()
    new, gone = compare(output, baseline)
    elapsed = time.perf_counter() - started

    if new:
        print(f"mypy: {len(new)} new error(s), not in {BASELINE.relative_to(ROOT)}:")
        print("\n".join(f"  {line}" for line in new))
    if gone and args.shrink:
        write_baseline(baseline - gone)
        print(f"mypy: dropped {sum(gone.values())} fixed entr(ies) from the baseline")
        gone = Counter()
    if gone:
        count = sum(gone.values())
        print(f"mypy: {count} baseline entr(ies) no longer occur; drop them (--shrink):")
        print("\n".join(f"  {entry}" for entry in sorted(gone.elements())))
    remaining = sum(baseline.values()) - sum(gone.values())
    print(f"mypy: {remaining} baselined error(s) remain; {elapsed:.1f} s")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
