"""CPU-heavy background work (hashing an import's passwords) in processes at the lowest priority.

Why processes, not threads: the serving process's threads answer judges' sheets and host
actions; CPU work in a thread of that process competes with them for the GIL, and a
low-priority thread preempted while holding the GIL would hold up every request (priority
inversion). Separate processes hold no GIL of ours, and at nice 19 the kernel gives them only
what the server leaves idle: on two cores an arena's requests run as if they were not there.
Nice 19 rather than SCHED_IDLE: on a machine busy all day an idle-class process may never run,
and the import would never finish.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

LOWEST_PRIORITY = 19

Item = TypeVar("Item")
Result = TypeVar("Result")


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _start_worker(parent: int) -> None:
    # Raises the nice value by the difference to 19 (nice is relative); never raises priority.
    os.nice(max(0, LOWEST_PRIORITY - os.nice(0)))
    # A server killed (SIGKILL, a crash) while its import hashes must not leave its workers
    # behind, hashing for nobody: the kernel ends them with their parent.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def map_at_low_priority(
    fn: Callable[[Item], Result], items: Iterable[Item], *, chunksize: int = 8
) -> Iterator[Result]:
    """`map(fn, items)` in processes at nice 19, one per core; results in the order of items.

    `fn` must be a module-level function (it is pickled by name). The processes are spawned,
    not forked: the caller may be a threaded server holding database connections and locks
    that a forked child would inherit half-held.
    """
    work = list(items)
    if not work:  # no processes to start (an import that creates no account)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(),),
    ) as pool:
        yield from pool.map(fn, work, chunksize=chunksize)
