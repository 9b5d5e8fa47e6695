"""A city's busiest day: many arenas live at once, two server processes sharing Redis.

    python -m bench.live_city            # 50 topics x 100 viewers, 20 updates each at 1 Hz
    python -m bench.live_city --smoke    # 3 topics x 4 viewers

Each topic stands for one arena's screen (`live:check:city-N`). Half of each topic's viewers
follow it on server A, half on server B; the updates of even topics are posted to A, of odd
topics to B (POST /live/check/send as an organiser), so every update reaches half its viewers
through the other process and Redis. Reported: delivery (every version not superseded within
100 ms, and the last) and latency percentiles from the request and from the acknowledgement.
The judges' side (9 phones per arena submitting sheets) comes with the arena issue.

Without REDIS_URL it says so and exits 0 (there is nothing to bridge). A hard time limit stops
a run that hangs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import time

from bench._live_common import (
    ROOT,
    LeitaiPoster,
    free_port,
    leitai_env,
    machine_summary,
    measure,
    prepare_database,
    raise_open_files_limit,
    start_leitai,
    stop_process,
    viewer_pool,
)

PADDING = 1850
TIME_LIMIT_SECONDS = 420


def _time_limit(signum: int, frame: object) -> None:
    raise TimeoutError(f"bench.live_city: over its {TIME_LIMIT_SECONDS} s limit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live_city")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--topics", type=int, default=None)
    parser.add_argument("--viewers", type=int, default=None, help="per topic")
    parser.add_argument("--updates", type=int, default=None, help="per topic")
    parser.add_argument("--hz", type=float, default=1.0, help="updates a second per topic")
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if not redis_url:
        print("bench.live_city skipped: REDIS_URL is not set (two processes need Redis)")
        return 0
    topics = args.topics or (3 if args.smoke else 50)
    per_topic = args.viewers or (4 if args.smoke else 100)
    updates = args.updates or (3 if args.smoke else 20)

    signal.signal(signal.SIGALRM, _time_limit)
    signal.alarm(TIME_LIMIT_SECONDS)
    started = time.monotonic()
    raise_open_files_limit()
    print(f"machine: {machine_summary()}", flush=True)
    var_dir = ROOT / "var" / "bench" / "live_city"
    shutil.rmtree(var_dir, ignore_errors=True)
    env = leitai_env(var_dir, redis_url=redis_url)
    organiser = prepare_database(var_dir, env)
    ports = [free_port(), free_port()]
    servers = [start_leitai(env, port) for port in ports]
    try:
        names = [f"city-{index}" for index in range(topics)]
        targets = {
            f"live:check:{name}": [
                (ports[viewer % 2], f"/ws/live/live:check:{name}") for viewer in range(per_topic)
            ]
            for name in names
        }
        posters = {
            f"live:check:{name}": LeitaiPoster(
                ports[index % 2], organiser, channel=name, padding=PADDING
            )
            for index, name in enumerate(names)
        }
        with viewer_pool(1 if args.smoke else 4) as pool:
            result = measure(
                "leitai", pool, targets, posters, updates=updates, hz=args.hz, warmup=2
            )
        for poster in posters.values():
            poster.close()
    finally:
        for server in servers:
            stop_process(server)
        signal.alarm(0)

    print(
        f"{topics} topics x {per_topic} viewers on 2 processes sharing Redis, "
        f"{updates} updates per topic at {args.hz:g} Hz (~2 KB)"
    )
    print(result.line())
    print(f"connected {result.connected}/{result.viewers}")
    print(f"elapsed {time.monotonic() - started:.0f} s")
    ok = result.missing == 0 and result.connected == result.viewers
    print(
        f"city: delivered {result.required - result.missing}/{result.required}, "
        f"p99 from request {result.r(99):.1f} ms, from ack {result.p(99):.1f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
