"""The arena publisher: one arena built by one thread at a time, the last change always built,
several arenas built at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from leitai.arenas import publish


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Builds:
    """Stands in for publish_arena: records builds, and holds each until released."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[int, int] = {}
        self.started: list[int] = []
        self.finished: list[int] = []
        self.overlaps: list[int] = []
        self.gate = threading.Event()
        self.most_at_once = 0

    def __call__(self, arena_id: int) -> None:
        with self.lock:
            if self.running.get(arena_id):
                self.overlaps.append(arena_id)
            self.running[arena_id] = self.running.get(arena_id, 0) + 1
            self.started.append(arena_id)
            self.most_at_once = max(self.most_at_once, sum(self.running.values()))
        self.gate.wait(timeout=5)
        with self.lock:
            self.running[arena_id] -= 1
            self.finished.append(arena_id)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Builds:
    recorder = Builds()
    monkeypatch.setattr(publish, "publish_arena", recorder)
    monkeypatch.setattr(publish, "can_deliver", lambda: True)
    monkeypatch.setattr(publish, "close_old_connections", lambda: None)
    return recorder


def test_changes_during_a_build_cost_one_more_build_never_a_concurrent_one(builds: Builds) -> None:
    publisher = publish._Publisher(threads=3)
    publisher.request(7)
    until(lambda: builds.started == [7])
    for _ in range(9):  # nine judges submit while the first build runs
        publisher.request(7)
    time.sleep(0.05)
    assert builds.started == [7]  # not built twice at once
    builds.gate.set()
    until(lambda: len(builds.finished) == 2)
    time.sleep(0.05)
    assert builds.started == [7, 7]  # the nine changes: one more build, from the latest data
    assert builds.overlaps == []


def test_several_arenas_are_built_at_once_oldest_first(builds: Builds) -> None:
    publisher = publish._Publisher(threads=3)
    for arena_id in (1, 2, 3, 4):
        publisher.request(arena_id)
    until(lambda: len(builds.started) == 3)
    assert sorted(builds.started) == [1, 2, 3]  # three threads; the fourth waits its turn
    builds.gate.set()
    until(lambda: sorted(builds.finished) == [1, 2, 3, 4])
    assert builds.most_at_once == 3
    assert builds.overlaps == []


def test_a_failing_build_does_not_stop_the_others(
    builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_for_5(arena_id: int) -> None:
        if arena_id == 5:
            raise RuntimeError("a broken state")
        builds(arena_id)

    monkeypatch.setattr(publish, "publish_arena", broken_for_5)
    builds.gate.set()
    publisher = publish._Publisher(threads=1)
    publisher.request(5)
    publisher.request(6)
    until(lambda: builds.finished == [6])
