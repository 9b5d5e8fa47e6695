"""Background CPU work runs in processes at the lowest priority, never in the server's own."""

from __future__ import annotations

import os

from leitai.core.lowpriority import LOWEST_PRIORITY, map_at_low_priority


def test_work_runs_in_other_processes_at_nice_19() -> None:
    assert list(map_at_low_priority(os.nice, [0, 0, 0], chunksize=1)) == [LOWEST_PRIORITY] * 3
    assert list(map_at_low_priority(os.getppid, [], chunksize=1)) == []
    assert os.getpid() not in set(map_at_low_priority(_pid, range(4), chunksize=1))


def _pid(_: int) -> int:
    return os.getpid()
