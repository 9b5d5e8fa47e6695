"""Run every benchmark module in bench/, each in a fresh interpreter.

A benchmark module is any `bench/<name>.py` (not starting with an underscore, not this file)
that defines `main(argv: list[str] | None = None) -> int` and accepts `--smoke`: the tiny run
that `make test` uses so that benchmark code cannot rot. Smoke runs assert no timing.

    python -m bench.run                 # everything, full size (make bench)
    python -m bench.run --smoke         # everything, tiny (make bench-smoke)
    python -m bench.run scoring_aggregate live   # chosen modules
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if not path.stem.startswith("_") and path.stem != "run"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no timing asserted")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(discover())}")
    failed: list[str] = []
    for name in names:
        command = [sys.executable, "-m", f"bench.{name}", *(["--smoke"] if args.smoke else [])]
        print(f"== bench.{name}{' (smoke)' if args.smoke else ''}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=BENCH_DIR.parent, check=False)
        elapsed = time.perf_counter() - started
        print(f"== bench.{name}: exit {result.returncode} in {elapsed:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
