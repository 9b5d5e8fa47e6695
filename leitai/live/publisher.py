"""Building live states off the request, one key at a time, coalescing bursts.

An app asks for a key's views to be built and pushed after a change has committed:

    transaction.on_commit(lambda: request("arena:7", lambda: publish_arena(7)))

The build runs on the publisher's one thread of its own, so the request that made the change (a
judge's sheet) is answered without waiting for the screens' states. Each request gives the key a
new version. Two kinds of build:

- A build that reads the latest data (no `stamp`): a key requested several times while a build
  was running is built once more, with the latest build function; the last state always goes out
  and no version is built twice. But a version superseded before the thread got to it is never
  seen, however long it stood: under load the thread is late by more than a write's gap.
- A build of a state captured when it was made (`stamp`: the moment it became current, its
  commit; the app read its data inside the change's transaction): every version waits its turn,
  and the standing rule (leitai.live.standing) skips only one superseded less than
  `min_standing` after it was made. However late the thread is, a state that stood is pushed.

Nothing is built in a process that could deliver to no one (a management command without Redis).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.db import close_old_connections

from leitai.live import conf
from leitai.live.hub import can_deliver
from leitai.live.standing import standing_kept

logger = logging.getLogger(__name__)

Build = Callable[[], None]

# An idle thread lets itself go after this long; the next request starts another.
IDLE_SECONDS = 60.0


@dataclass
class PublisherStats:
    requested: int = 0  # requests (each a new version of its key)
    built: int = 0  # builds run
    coalesced: int = 0  # requests folded into a build of a later version (none stood long)
    failed: int = 0  # builds that raised


class CoalescingPublisher:
    def __init__(self, name: str = "leitai-live-publisher") -> None:
        self.name = name
        # Per key, in order: (the moment the version became current or None, its build).
        self._pending: dict[Hashable, list[tuple[float | None, Build]]] = {}
        self.min_standing = conf.min_standing()
        self._versions: dict[Hashable, int] = {}
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._building = False
        self.stats = PublisherStats()

    def request(self, key: Hashable, build: Build, *, stamp: float | None = None) -> int:
        """Build `key` soon with `build`; returns the key's new version (0: nothing to deliver).

        Without `stamp`, `build` reads the latest data: it replaces the key's waiting builds of
        that kind. With `stamp` (time.time() when the state it pushes became current) it pushes
        a captured state and waits its turn; see the module for which versions are skipped.
        """
        if not can_deliver():
            return 0  # nobody to deliver to from this process (a management command)
        with self._condition:
            version = self._versions.get(key, 0) + 1
            self._versions[key] = version
            self.stats.requested += 1
            waiting = self._pending.setdefault(key, [])
            kept = [entry for entry in waiting if entry[0] is not None]  # latest-readers go
            kept.append((stamp, build))
            moments = [time.time() if moment is None else moment for moment, _ in kept]
            kept = [kept[i] for i in standing_kept(moments, self.min_standing)]
            self.stats.coalesced += len(waiting) + 1 - len(kept)
            self._pending[key] = kept
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._condition.notify()
            return version

    def version(self, key: Hashable) -> int:
        with self._condition:
            return self._versions.get(key, 0)

    def idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is pending or being built (for tests and benchmarks)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._pending and not self._building, timeout=timeout
            )

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._pending:
                    self._building = False
                    self._condition.notify_all()
                    if not self._condition.wait(timeout=IDLE_SECONDS) and not self._pending:
                        self._thread = None
                        return  # idle for a while: let the thread go
                batch, self._pending = self._pending, {}
                self._building = True
            for key, builds in batch.items():  # keys in the order first requested
                for _, build in builds:  # a key's versions in the order made
                    self._build(key, build)
            close_old_connections()

    def _build(self, key: Hashable, build: Build) -> None:
        try:
            build()
        except Exception:  # a broken state must not stop the other keys' views
            with self._condition:
                self.stats.failed += 1
            logger.exception("live: building %s failed", key)
        with self._condition:
            self.stats.built += 1


_publisher = CoalescingPublisher()


def get_publisher() -> CoalescingPublisher:
    return _publisher


def request(key: Hashable, build: Build, *, stamp: float | None = None) -> int:
    """After a change has committed: build and push `key`'s views soon (see the module)."""
    return _publisher.request(key, build, stamp=stamp)
