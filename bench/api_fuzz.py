"""Schemathesis over the API, long: every operation as anonymous, an organiser, a host and a judge,
500 new cases each (the test suite's bounded run takes 50, the same ones every time).

    python -m bench.api_fuzz                  # 500 cases per operation and persona, new each run
    python -m bench.api_fuzz --examples 2000
    python -m bench.api_fuzz --smoke          # one operation, one persona, 5 cases

It runs tests/api/test_api_fuzz.py under pytest (its world, personas and checks: no server error,
every status, content type and body as documented) with more cases and a fresh seed, and counts
the (operation, persona) pairs with a failing case; each failure is printed, shrunk, with a curl
command that reproduces it. Target: none. The floor is 0: a found failure is a bug.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_FILE = "tests/api/test_api_fuzz.py"
SMOKE = "::test_operation_conforms_to_its_schema[POST /api/judge/sheets-judge]"
LIMIT = 0


def run_pytest(examples: int, selection: str, report: Path) -> int:
    command = [sys.executable, "-m", "pytest", f"{TEST_FILE}{selection}", "-q"]
    command.append(f"--junitxml={report}")
    env = {**os.environ, "LEITAI_FUZZ_EXAMPLES": str(examples), "LEITAI_FUZZ_SEEDED": "0"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def failures(report: Path) -> tuple[int, int]:
    """(test cases run, those failed or in error) from pytest's JUnit report."""
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite is not None
    counts = {name: int(suite.get(name, "0")) for name in ("tests", "failures", "errors")}
    return counts["tests"], counts["failures"] + counts["errors"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api_fuzz")
    parser.add_argument("--smoke", action="store_true", help="one operation, one persona, 5 cases")
    parser.add_argument("--examples", type=int, default=500, help="cases per operation and persona")
    args = parser.parse_args(argv)
    examples, selection = (5, SMOKE) if args.smoke else (args.examples, "")
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.xml"
        started = time.perf_counter()
        exit_code = run_pytest(examples, selection, report)
        elapsed = time.perf_counter() - started
        if not report.exists():
            print(f"pytest exited {exit_code} without a report", file=sys.stderr)
            return 1
        pairs, failed = failures(report)
    print(
        f"api fuzz: {pairs} operation × persona pairs, {examples} cases each, {elapsed:.0f} s; "
        f"{failed} with a failing case"
    )
    verdict = "met" if failed <= LIMIT else "missed"
    figures = f"ours {failed}, floor 0, ratio {failed} (limit {LIMIT})"
    print(f"target api_fuzz_failures: {figures}: {verdict}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
