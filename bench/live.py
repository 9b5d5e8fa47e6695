"""Live fan-out: Leitai's hub beside a bare `websockets.broadcast()` server.

    python -m bench.live            # 1,000 and 2,000 viewers, 100 updates each, three rounds
    python -m bench.live --smoke    # a few viewers and updates, no timing asserted

Viewers (raw WebSocket clients in separate load processes) follow one topic. For Leitai, each
update is a POST /live/check/send as an organiser to a real `leitai serve` (one process, SQLite),
about 2 KB, at 10 a second; latency runs from the POST's response to each viewer's receipt. The
floor gets the same payload through its control socket and acknowledges after broadcasting.
Both run on uvloop, without compression, with `gc.freeze()` after start-up and the raised
open-files limit; the runs interleave (Leitai, floor) for each size, three times over.

Delivery: every version not superseded within 100 ms, and the last, must reach every viewer.
The last line is `p99 ratio leitai/floor at N viewers: X.XX` (median over the rounds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time

from bench._live_common import (
    ROOT,
    FloorPoster,
    LeitaiPoster,
    RunResult,
    free_port,
    leitai_env,
    machine_summary,
    measure,
    prepare_database,
    raise_open_files_limit,
    start_floor,
    start_leitai,
    stop_process,
    viewer_pool,
)

CHANNEL = "bench"
TOPIC = f"live:check:{CHANNEL}"
PADDING = 1850  # the whole frame is about 2 KB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--viewers", type=int, nargs="*", default=None)
    parser.add_argument("--updates", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--load-processes", type=int, default=None)
    args = parser.parse_args(argv)
    sizes = args.viewers or ([10] if args.smoke else [1000, 2000])
    updates = args.updates or (5 if args.smoke else 100)
    rounds = args.rounds or (1 if args.smoke else 3)
    load_processes = args.load_processes or (1 if args.smoke else 4)
    started = time.monotonic()

    limit = raise_open_files_limit()
    print(f"machine: {machine_summary()}", flush=True)
    if limit < max(sizes) + 500:
        print(f"open-files limit {limit} is too low for {max(sizes)} viewers", file=sys.stderr)
        return 1
    var_dir = ROOT / "var" / "bench" / "live"
    shutil.rmtree(var_dir, ignore_errors=True)
    env = leitai_env(var_dir)
    organiser = prepare_database(var_dir, env)
    leitai_port, floor_port = free_port(), free_port()
    leitai = start_leitai(env, leitai_port)
    floor = start_floor(floor_port, TOPIC)
    results: list[RunResult] = []
    try:
        leitai_poster = LeitaiPoster(leitai_port, organiser, channel=CHANNEL, padding=PADDING)
        floor_poster = FloorPoster(floor_port, padding=PADDING)
        with viewer_pool(load_processes) as pool:
            for round_number in range(1, rounds + 1):
                print(f"round {round_number}/{rounds}", flush=True)
                for size in sizes:
                    order = [
                        ("leitai", leitai_port, leitai_poster),
                        ("floor", floor_port, floor_poster),
                    ]
                    if round_number % 2 == 0:
                        order.reverse()  # neither side always runs on a warmer machine
                    for label, port, poster in order:
                        path = "/ws/live/" + TOPIC
                        result = measure(
                            label,
                            pool,
                            {TOPIC: [(port, path)] * size},
                            {TOPIC: poster},
                            updates=updates,
                            hz=10,
                        )
                        results.append(result)
                        print(result.line(), flush=True)
                        time.sleep(1.0)
        leitai_poster.close()
        floor_poster.close()
    finally:
        stop_process(leitai)
        stop_process(floor)

    failures = report(results, sizes, smoke=args.smoke)
    print(f"elapsed {time.monotonic() - started:.0f} s")
    ratios = ratio_by_size(results, sizes)
    print(f"p99 ratio leitai/floor at {max(sizes)} viewers: {ratios[max(sizes)]:.2f}")
    return 1 if failures else 0


def ratio_by_size(results: list[RunResult], sizes: list[int]) -> dict[int, float]:
    """Median over the rounds of Leitai's p99 over the floor's, latency from the request."""
    return {size: statistics.median(round_ratios(results, size)) for size in sizes}


def round_ratios(results: list[RunResult], size: int) -> list[float]:
    ours = [r.r(99) for r in results if r.label == "leitai" and r.viewers == size]
    floor = [r.r(99) for r in results if r.label == "floor" and r.viewers == size]
    return [a / b for a, b in zip(ours, floor, strict=True)]


def report(results: list[RunResult], sizes: list[int], *, smoke: bool) -> int:
    failures = 0
    print("\nsummary (median over rounds; latency in ms)")
    print(
        "| viewers | server | p50 from request | p99 from request | p50 from ack | p99 from ack "
        "| delivered | POST p50 | POST p99 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        for label in ("leitai", "floor"):
            runs = [r for r in results if r.label == label and r.viewers == size]
            delivered = sum(r.required - r.missing for r in runs)
            required = sum(r.required for r in runs)

            def median(figure: str, q: float, runs: list[RunResult] = runs) -> float:
                return statistics.median(getattr(r, figure)(q) for r in runs)

            print(
                f"| {size} | {label} | {median('r', 50):.1f} | {median('r', 99):.1f} | "
                f"{median('p', 50):.1f} | {median('p', 99):.1f} | {delivered}/{required} | "
                f"{median('post_p', 50):.1f} | {median('post_p', 99):.1f} |"
            )
            all_connected = all(r.connected == size for r in runs)
            if label == "leitai" and (delivered != required or not all_connected):
                failures += 1
    for size in sizes:
        ratios = round_ratios(results, size)
        print(
            f"p99 ratio (from request) at {size} viewers, per round: "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
            + f" (median {statistics.median(ratios):.2f})"
        )
    if failures:
        print("DELIVERY FAILED: some viewer missed a required version or did not connect")
    return failures


if __name__ == "__main__":
    sys.exit(main())
