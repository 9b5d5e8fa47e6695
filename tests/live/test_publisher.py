"""The coalescing publisher: builds off the request, one more build for a burst, versions."""

from __future__ import annotations

import threading
import time

import pytest

from leitai.live import publisher as publisher_module
from leitai.live.publisher import CoalescingPublisher


@pytest.fixture(autouse=True)
def _deliverable(monkeypatch):
    monkeypatch.setattr(publisher_module, "can_deliver", lambda: True)


def test_a_request_is_built_on_the_publishers_thread():
    publisher = CoalescingPublisher()
    threads: list[str] = []
    assert publisher.request("k", lambda: threads.append(threading.current_thread().name)) == 1
    assert publisher.idle()
    assert threads == ["leitai-live-publisher"]
    assert publisher.stats.built == 1


def test_a_burst_during_a_build_is_built_once_more_with_the_latest_build():
    publisher = CoalescingPublisher()
    started, release = threading.Event(), threading.Event()
    built: list[str] = []

    def first() -> None:
        started.set()
        release.wait(5)
        built.append("first")

    publisher.request("k", first)
    assert started.wait(5)
    versions = [publisher.request("k", lambda n=n: built.append(f"burst {n}")) for n in range(5)]
    assert versions == [2, 3, 4, 5, 6]
    release.set()
    assert publisher.idle()
    assert built == ["first", "burst 4"]  # the latest version, built once
    assert publisher.stats.requested == 6
    assert publisher.stats.coalesced == 4
    assert publisher.version("k") == 6


def test_a_failing_build_does_not_stop_the_other_keys():
    publisher = CoalescingPublisher()
    started, release = threading.Event(), threading.Event()
    built: list[str] = []

    def hold() -> None:
        started.set()
        release.wait(5)

    def broken() -> None:
        raise RuntimeError("a broken state")

    publisher.request("hold", hold)
    assert started.wait(5)
    publisher.request("a", broken)
    publisher.request("b", lambda: built.append("b"))
    release.set()
    assert publisher.idle()
    assert built == ["b"]
    assert publisher.stats.failed == 1


def test_nothing_is_built_where_nobody_could_receive_it(monkeypatch):
    monkeypatch.setattr(publisher_module, "can_deliver", lambda: False)
    publisher = CoalescingPublisher()
    built: list[str] = []
    assert publisher.request("k", lambda: built.append("k")) == 0
    assert publisher.idle()
    assert built == []


def _held(publisher: CoalescingPublisher) -> threading.Event:
    """Keep the publisher's thread busy (under load, late) until the returned event is set."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(5)

    publisher.request("hold", hold)
    assert started.wait(5)
    return release


def test_captured_versions_that_stood_are_all_built_however_late_the_thread_is():
    """Versions captured when made (stamped with when they became current): a late thread skips
    only those superseded within min_standing, never one that stood."""
    publisher = CoalescingPublisher()
    publisher.min_standing = 0.1
    release = _held(publisher)
    built: list[str] = []
    # made at these moments (s), all while the thread was busy elsewhere
    made = {"v1": 50.00, "v2": 50.25, "v3": 50.27, "v4": 50.30, "v5": 50.45}
    for name, moment in made.items():
        publisher.request("arena", lambda name=name: built.append(name), stamp=moment)
    release.set()
    assert publisher.idle()
    # v1 stood 250 ms, v2 20 ms, v3 30 ms, v4 150 ms; v5 is the newest
    assert built == ["v1", "v4", "v5"]
    assert publisher.stats.coalesced == 2


def test_a_latest_reading_build_replaces_the_waiting_ones_of_its_kind_only():
    publisher = CoalescingPublisher()
    publisher.min_standing = 0.1
    release = _held(publisher)
    built: list[str] = []
    publisher.request("k", lambda: built.append("captured"), stamp=time.time() - 1.0)
    publisher.request("k", lambda: built.append("latest 1"))
    publisher.request("k", lambda: built.append("latest 2"))
    release.set()
    assert publisher.idle()
    assert built == ["captured", "latest 2"]
