"""Screen viewers for the arena-day benchmark, in load processes of their own.

Each viewer is a raw asyncio protocol on uvloop (as in bench/_live_common.py) that notes the
receipt time of every state `"version"` on its arena's screen topic: the screen's state starts
with its version, so the first `"version":` in a frame is the state's. Thousands of viewers cost
the load processes far less CPU than they cost the servers.

All times are `time.monotonic_ns()`, one clock for every process on Linux.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection

import numpy as np

from bench._live_common import RawViewer, handshake_request, raise_open_files_limit

VERSION_MARK = b'"version":'


class _Records:
    def __init__(self) -> None:
        self.idents = array("i")
        self.versions = array("q")
        self.times = array("q")
        self.closed = 0

    def add(self, ident: int, version: int, when: int) -> None:
        self.idents.append(ident)
        self.versions.append(version)
        self.times.append(when)


class _Viewer(RawViewer):
    """Records each screen state's version (snapshots included: a reconnect counts)."""

    __slots__ = ()
    mark = VERSION_MARK
    skip_snapshots = False


async def _main(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    transports: list[asyncio.Transport] = []
    records = _Records()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "connect":
            _, targets, first_ident = command
            gate = asyncio.Semaphore(50)
            errors: list[str] = []

            async def open_one(
                ident: int,
                port: int,
                path: str,
                gate: asyncio.Semaphore = gate,
                errors: list[str] = errors,
            ) -> None:
                async with gate:
                    opened = loop.create_future()
                    request = handshake_request("127.0.0.1", port, path)
                    try:
                        transport, _ = await loop.create_connection(
                            lambda: _Viewer(ident, request, records, opened), "127.0.0.1", port
                        )
                        await asyncio.wait_for(opened, 30)
                    except (OSError, TimeoutError) as error:
                        errors.append(f"{type(error).__name__}: {error}")
                        return
                    transports.append(transport)

            await asyncio.gather(
                *(open_one(first_ident + i, port, path) for i, (port, path) in enumerate(targets))
            )
            gc.collect()
            gc.freeze()
            pipe.send(("connected", len(transports), errors[:3], len(errors)))
        elif command[0] == "collect":
            pipe.send(
                (
                    records.idents.tobytes(),
                    records.versions.tobytes(),
                    records.times.tobytes(),
                    records.closed,
                )
            )
            for transport in transports:
                transport.close()
            transports.clear()
        elif command[0] == "exit":
            return


def _process(pipe: Connection) -> None:
    import uvloop

    raise_open_files_limit()
    uvloop.run(_main(pipe))


class ViewerPool:
    """K load processes; viewer i follows targets[i] = (port, path)."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=_process, args=(child,), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def connect(self, targets: Sequence[tuple[int, str]]) -> tuple[int, list[str]]:
        share = -(-len(targets) // len(self.pipes))
        for index, pipe in enumerate(self.pipes):
            pipe.send(
                ("connect", list(targets[index * share : (index + 1) * share]), index * share)
            )
        opened, errors = 0, []
        for pipe in self.pipes:
            _, count, some, _ = pipe.recv()
            opened += count
            errors.extend(some)
        return opened, errors

    def collect(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(viewer idents, versions, receipt times in ns, connections closed by the server)"""
        for pipe in self.pipes:
            pipe.send(("collect",))
        idents, versions, times, closed = [], [], [], 0
        for pipe in self.pipes:
            i, v, t, c = pipe.recv()
            idents.append(np.frombuffer(i, dtype=np.int32))
            versions.append(np.frombuffer(v, dtype=np.int64))
            times.append(np.frombuffer(t, dtype=np.int64))
            closed += c
        return np.concatenate(idents), np.concatenate(versions), np.concatenate(times), closed

    def close(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(BrokenPipeError, OSError):
                pipe.send(("exit",))
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


@contextmanager
def viewer_pool(processes: int) -> Iterator[ViewerPool]:
    pool = ViewerPool(processes)
    try:
        yield pool
    finally:
        pool.close()
