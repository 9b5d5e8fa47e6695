"""The hub on its own event loop, with stand-in sockets: throttle, coalescing, slow clients."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from leitai.live.eager import start_eagerly
from leitai.live.hub import BridgeState, Hub, multi_process_ready
from leitai.live.topics import InvalidTopicName

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _local_hub(settings):
    # These tests are about one process; the Redis path has its own tests.
    settings.REDIS_URL = ""
    settings.LIVE_MAX_RATE = 10
    settings.LIVE_SLOW_CLIENT_SECONDS = 0.3


class Socket:
    """Records what the hub writes; `gate` (when set) makes every write wait, like a full socket."""

    def __init__(self, loop: asyncio.AbstractEventLoop, gate: asyncio.Event | None = None):
        self.loop = loop
        self.gate = gate
        self.frames: list[tuple[float, dict[str, Any]]] = []

    async def send(self, message: dict[str, Any]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.frames.append((self.loop.time(), json.loads(message["text"])))

    @property
    def seqs(self) -> list[int]:
        return [frame["data"]["seq"] for _, frame in self.frames]


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    # A loop of its own in a thread of its own: Playwright's sync API, used by browser tests
    # earlier in the same worker, leaves an event loop running in the main thread.
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(asyncio.run, main).result()


def run(test: Callable[[Hub, asyncio.AbstractEventLoop], Coroutine[Any, Any, None]]) -> None:
    async def main() -> None:
        hub = Hub()
        await hub.start()
        try:
            await test(hub, asyncio.get_running_loop())
        finally:
            await hub.stop()

    run_loop(main())


def run_two(
    test: Callable[[Hub, Hub, asyncio.AbstractEventLoop], Coroutine[Any, Any, None]],
) -> None:
    """Two hubs on one loop, standing for two processes sharing Redis."""

    async def main() -> None:
        here, there = Hub(), Hub()
        await here.start()
        await there.start()
        try:
            await test(here, there, asyncio.get_running_loop())
        finally:
            await here.stop()
            await there.stop()

    run_loop(main())


def subscribe(hub: Hub, socket: Socket, topic: str = "t") -> Any:
    subscriber = hub.subscribe(topic, socket.send)
    subscriber.release(None)
    return subscriber


def test_publish_delivers_one_json_frame_with_topic_and_data():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(hub, socket, "arena:1:screen")
        hub.publish("arena:1:screen", {"seq": 1, "名": "泰州路社区"})
        assert [frame for _, frame in socket.frames] == [
            {"type": "message", "topic": "arena:1:screen", "data": {"seq": 1, "名": "泰州路社区"}}
        ]

    run(test)


def test_publish_reaches_only_the_topics_subscribers():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        one, other = Socket(loop), Socket(loop)
        subscribe(hub, one, "a")
        subscribe(hub, other, "b")
        hub.publish("a", {"seq": 1})
        assert (one.seqs, other.seqs) == ([1], [])

    run(test)


def test_leading_edge_is_immediate_then_at_most_rate_per_second_and_last_arrives():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(hub, socket)
        started = loop.time()
        for seq in range(1, 31):  # 30 updates in 0.3 s: three times the allowed rate
            hub.publish("t", {"seq": seq})
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.25)
        times = [t for t, _ in socket.frames]
        assert socket.seqs[0] == 1
        assert times[0] - started < 0.005  # the first goes out at once
        assert socket.seqs[-1] == 30  # the last always arrives
        assert socket.seqs == sorted(socket.seqs)
        # A burst of two, then one every 0.1 s: in any span, at most 2 + 10 a second.
        for i, j in itertools.combinations(range(len(times)), 2):
            assert j - i + 1 <= 2 + (times[j] - times[i]) * 10 + 1e-3
        assert hub.stats.sent == len(socket.frames)
        assert hub.stats.sent + hub.stats.coalesced == 30

    run(test)


def test_an_idle_topic_sends_at_once_again():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(hub, socket)
        hub.publish("t", {"seq": 1})
        await asyncio.sleep(0.12)
        sent = loop.time()
        hub.publish("t", {"seq": 2})
        assert socket.seqs == [1, 2]
        assert socket.frames[1][0] - sent < 0.005

    run(test)


def test_a_slow_client_does_not_delay_the_others_and_gets_only_the_latest():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        gate = asyncio.Event()
        slow, fast = Socket(loop, gate), Socket(loop)
        subscribe(hub, slow)
        subscribe(hub, fast)
        for seq in (1, 2, 3):
            hub.publish("t", {"seq": seq})
            await asyncio.sleep(0.11)
        assert fast.seqs == [1, 2, 3]
        assert slow.seqs == []
        gate.set()
        # The write of 1 was under way; 2 was replaced by 3 in the slot. (Waited for, not slept:
        # on a loaded machine the two writes may take longer than any fixed pause.)
        for _ in range(200):
            if len(slow.seqs) >= 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # room for a wrong third frame to arrive
        assert slow.seqs == [1, 3]
        assert hub.stats.client_skipped == 1

    run(test)


def test_a_client_blocked_past_the_limit_is_dropped():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        stuck, fine = Socket(loop, asyncio.Event()), Socket(loop)
        stuck_subscriber = subscribe(hub, stuck)
        subscribe(hub, fine)
        hub.publish("t", {"seq": 1})
        await asyncio.sleep(0.35)  # past LIVE_SLOW_CLIENT_SECONDS = 0.3
        hub.publish("t", {"seq": 2})
        assert stuck_subscriber.finished.done()
        assert stuck_subscriber.finished.result() == "slow"
        assert hub.stats.dropped_clients == 1
        assert hub.figures().topics == [("t", 1)]
        hub.publish("t", {"seq": 3})
        await asyncio.sleep(0.12)
        assert fine.seqs == [1, 2, 3]

    run(test)


def test_a_newer_frame_waits_for_the_chunked_fan_out_in_progress(settings):
    settings.LIVE_FAN_OUT_CHUNK = 2

    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        sockets = [Socket(loop) for _ in range(5)]
        for socket in sockets:
            subscribe(hub, socket)
        hub.publish("t", {"seq": 1})  # reaches two sockets now, the rest in later turns
        hub.publish("t", {"seq": 2})  # the burst would allow it, but 1 is still going out
        hub.publish("t", {"seq": 3})  # replaces 2 while it waits
        assert sorted(socket.seqs for socket in sockets) == [[], [], [], [1], [1]]
        await asyncio.sleep(0.01)
        assert [socket.seqs for socket in sockets] == [[1, 3]] * 5
        assert hub.stats.coalesced == 1

    run(test)


def test_a_held_subscriber_gets_the_initial_state_then_newer_updates():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscriber = hub.subscribe("t", socket.send)
        hub.publish("t", {"seq": 5})  # committed while the snapshot was being read
        assert socket.frames == []
        subscriber.release(json.dumps({"type": "snapshot", "topic": "t", "data": {"seq": 4}}))
        assert [f["type"] for _, f in socket.frames] == ["snapshot", "message"]
        assert socket.seqs == [4, 5]

    run(test)


def test_last_frame_is_kept_for_late_joiners():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        hub.publish("nobody-listens", {"seq": 9})
        assert json.loads(hub.last_frame("nobody-listens"))["data"] == {"seq": 9}

    run(test)


def test_a_snapshot_built_for_a_joiner_is_kept_unless_a_frame_arrived_meanwhile():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        built = json.dumps({"type": "snapshot", "topic": "t", "data": {"seq": 1}})
        hub.remember("t", built, unless_changed_from=None)
        assert hub.last_frame("t") is built
        seen = hub.last_frame("t")
        hub.publish("t", {"seq": 2})  # arrives while the next joiner's snapshot is built
        hub.remember("t", built, unless_changed_from=seen)
        assert json.loads(hub.last_frame("t"))["data"] == {"seq": 2}

    run(test)


def test_publish_from_another_thread_is_delivered_on_the_loop():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(hub, socket)
        thread = threading.Thread(target=hub.publish, args=("t", {"seq": 1}))
        thread.start()
        await asyncio.to_thread(thread.join)
        await asyncio.sleep(0.01)
        assert socket.seqs == [1]

    run(test)


def test_figures_from_another_thread_are_read_on_the_loop():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        subscribe(hub, Socket(loop), "a")
        subscribe(hub, Socket(loop), "a")
        figures = await asyncio.to_thread(hub.figures)
        assert (figures.topics, figures.connections) == ([("a", 2)], 2)
        assert figures.redis == BridgeState.OFF

    run(test)


def test_publish_without_a_loop_and_without_redis_delivers_nothing():
    hub = Hub()
    hub.publish("t", {"seq": 1})  # a management command in single-process mode: no error
    assert hub.stats.published == 1


def test_publish_refuses_a_malformed_topic():
    with pytest.raises(InvalidTopicName):
        Hub().publish("no spaces allowed", {})


def test_multi_process_needs_redis(settings):
    settings.REDIS_URL = ""
    ready, reason = multi_process_ready()
    assert not ready
    assert "REDIS_URL" in reason
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert multi_process_ready() == (True, "")


def test_start_eagerly_finishes_a_coroutine_that_does_not_wait():
    steps: list[str] = []

    async def quick() -> None:
        steps.append("ran")

    async def main() -> None:
        assert start_eagerly(quick()) is None
        assert steps == ["ran"]

    run_loop(main())


def test_start_eagerly_hands_a_waiting_coroutine_to_a_task():
    async def main() -> None:
        gate = asyncio.Event()
        steps: list[str] = []

        async def waits() -> None:
            steps.append("started")
            await gate.wait()
            steps.append("finished")

        task = start_eagerly(waits())
        assert task is not None
        assert steps == ["started"]
        gate.set()
        await task
        assert steps == ["started", "finished"]

    run_loop(main())


def test_start_eagerly_task_can_be_cancelled():
    async def main() -> None:
        async def waits_forever() -> None:
            await asyncio.Event().wait()

        task = start_eagerly(waits_forever())
        assert task is not None
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_loop(main())


# -- closing the sockets of a revoked credential ---------------------------------------------


def test_closing_a_credential_closes_its_sockets_only_and_refuses_it_from_then_on():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        old, new, screen = Socket(loop), Socket(loop), Socket(loop)
        on_old = hub.subscribe("arena:1:judge:2", old.send, credential="2-1-aaa")
        on_old.release(None)
        hub.subscribe("arena:1:judge:2", new.send, credential="2-2-bbb").release(None)
        hub.subscribe("arena:1:judge:2", screen.send).release(None)
        hub.publish("arena:1:judge:2", {"seq": 1})
        hub.close_credential("2-1-aaa", reason="link_reissued")
        await asyncio.sleep(0.25)  # past the throttle: the next frame goes out at once
        hub.publish("arena:1:judge:2", {"seq": 2})
        await asyncio.sleep(0)
        assert (on_old.finished.result(), on_old.close_reason) == ("revoked", "link_reissued")
        assert (old.seqs, new.seqs, screen.seqs) == ([1], [1, 2], [1, 2])
        # Authorised before the revocation reached the hub, subscribed after: closed at once.
        late = Socket(loop)
        again = hub.subscribe("arena:1:judge:2", late.send, credential="2-1-aaa")
        again.release('{"type":"snapshot","topic":"arena:1:judge:2","data":{"seq":2}}')
        hub.publish("arena:1:judge:2", {"seq": 3})
        await asyncio.sleep(0.25)
        assert (again.finished.result(), again.close_reason) == ("revoked", "link_reissued")
        assert late.frames == []
        assert ("arena:1:judge:2", 2) in hub.figures().topics

    run(test)


def test_a_close_reason_must_be_a_short_code():
    hub = Hub()
    with pytest.raises(ValueError, match="close reason"):
        hub.close_credential("t", reason="The host revoked this link")


@pytest.mark.redis
def test_closing_a_credential_on_one_process_closes_its_sockets_on_another(settings, live_channel):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]

    async def test(here: Hub, there: Hub, loop: asyncio.AbstractEventLoop) -> None:
        assert there.bridge_state == BridgeState.SUBSCRIBED
        phone, other = Socket(loop), Socket(loop)
        on_phone = there.subscribe("arena:1:judge:2", phone.send, credential="2-1-aaa")
        on_phone.release(None)
        there.subscribe("arena:1:judge:2", other.send, credential="2-2-bbb").release(None)
        # The frame before the close reaches the phone, the one after does not: both
        # travel on the one Redis channel, in order.
        here.publish("arena:1:judge:2", {"seq": 1})
        here.close_credential("2-1-aaa", reason="link_revoked")
        here.publish("arena:1:judge:2", {"seq": 2})
        for _ in range(100):
            if len(other.seqs) == 2:
                break
            await asyncio.sleep(0.02)
        assert (phone.seqs, other.seqs) == ([1], [1, 2])
        assert (on_phone.finished.result(), on_phone.close_reason) == (
            "revoked",
            "link_revoked",
        )

    run_two(test)


@pytest.mark.redis
def test_after_the_bridge_reconnects_credentialed_sockets_are_authorised_again(
    settings, live_channel
):
    """A revocation published while this process was cut off from Redis is lost to it: the
    sockets that carry a credential are asked to reconnect (and so are authorised again)."""
    import os

    import redis

    from leitai.live.hub import bridge_client_name

    settings.REDIS_URL = os.environ["REDIS_URL"]

    async def main() -> None:
        loop = asyncio.get_running_loop()
        hub = Hub()
        await hub.start()
        try:
            phone, screen = Socket(loop), Socket(loop)
            on_phone = hub.subscribe("test-phone", phone.send, credential="2-1-aaa")
            on_phone.release(None)
            on_screen = hub.subscribe("test-screen", screen.send)
            on_screen.release(None)
            admin = redis.Redis.from_url(settings.REDIS_URL)
            for client in admin.client_list():
                if client["name"] == bridge_client_name() and int(client.get("sub", 0)):
                    admin.client_kill_filter(_id=client["id"])
            for _ in range(200):
                if hub.stats.redis_reconnects:
                    break
                await asyncio.sleep(0.025)
            assert hub.stats.redis_reconnects == 1
            assert on_phone.finished.result() == "reauthorise"
            assert not on_screen.finished.done()
        finally:
            await hub.stop()

    run_loop(main())


def test_followed_names_the_topics_with_a_subscriber_here():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        subscriber = subscribe(hub, Socket(loop), "arena:1:screen")
        names = ["arena:1:screen", "arena:1:console"]
        # Publishers ask from their own thread.
        asked = await loop.run_in_executor(None, hub.followed, names)
        assert asked == {"arena:1:screen"}
        hub.unsubscribe(subscriber)
        assert await loop.run_in_executor(None, hub.followed, names) == set()

    run(test)


@pytest.mark.redis
def test_followed_names_the_topics_a_client_of_another_process_follows(settings, live_channel):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]

    async def test(here: Hub, there: Hub, loop: asyncio.AbstractEventLoop) -> None:
        there.subscribe("arena:1:judge:2", Socket(loop).send).release(None)
        names = ["arena:1:screen", "arena:1:judge:2"]
        assert await loop.run_in_executor(None, here.followed, names) == set()
        # What a socket does before reading its snapshot.
        await loop.run_in_executor(None, there.mark_followed, ["arena:1:judge:2"])
        assert await loop.run_in_executor(None, here.followed, names) == {"arena:1:judge:2"}

    run_two(test)


def test_followed_under_names_the_followed_topics_by_their_prefix():
    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        phone = subscribe(hub, Socket(loop), "arena:1:judge:2")
        subscribe(hub, Socket(loop), "arena:12:judge:5")
        subscribe(hub, Socket(loop), "arena:1:screen")
        asked = await loop.run_in_executor(None, hub.followed_under, "arena:1:judge:")
        assert asked == {"arena:1:judge:2"}
        hub.unsubscribe(phone)
        assert await loop.run_in_executor(None, hub.followed_under, "arena:1:judge:") == set()

    run(test)


@pytest.mark.redis
def test_followed_under_names_what_a_client_of_another_process_follows(settings, live_channel):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]

    async def test(here: Hub, there: Hub, loop: asyncio.AbstractEventLoop) -> None:
        there.subscribe("arena:1:judge:2", Socket(loop).send).release(None)
        assert await loop.run_in_executor(None, here.followed_under, "arena:1:judge:") == set()
        await loop.run_in_executor(None, there.mark_followed, ["arena:1:judge:2", "arena:1:x"])
        found = await loop.run_in_executor(None, here.followed_under, "arena:1:judge:")
        assert found == {"arena:1:judge:2"}
        # Glob characters in a prefix are taken literally.
        assert await loop.run_in_executor(None, here.followed_under, "arena:*:judge:") == set()

    run_two(test)


def test_states_that_stood_arrive_even_when_published_late_in_a_bunch():
    """A late publisher hands over five versions at once, stamped with when each became current:
    the throttle spreads them out at its rate instead of keeping only the last, and skips only
    the one that was superseded within LIVE_MIN_STANDING_MS."""

    async def test(hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(hub, socket)
        hub.min_standing = 0.1
        made = time.time() - 2.0
        # 1 stood 300 ms, 2 stood 150 ms, 3 stood 20 ms, 4 stood 400 ms, 5 is the newest
        for seq, after in ((1, 0.0), (2, 0.3), (3, 0.45), (4, 0.47), (5, 0.87)):
            hub.publish("t", {"seq": seq}, stamp=made + after)
        for _ in range(100):
            if socket.seqs[-1:] == [5]:
                break
            await asyncio.sleep(0.01)
        assert socket.seqs == [1, 2, 4, 5]
        assert hub.stats.coalesced == 1
        times = [t for t, _ in socket.frames]
        assert times[3] - times[1] >= 0.19  # at the rate: a burst of two, then 10 a second

    run(test)


@pytest.mark.redis
def test_the_moment_a_state_became_current_travels_through_redis(settings, live_channel):
    """Four versions handed over at once by a late publisher in one process reach a client of the
    other: the third (stood 300 ms) is kept while it waits for a token, as its stamp says, where
    an unstamped frame would count from its arrival and be replaced by the fourth."""
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]

    async def test(here: Hub, there: Hub, loop: asyncio.AbstractEventLoop) -> None:
        socket = Socket(loop)
        subscribe(there, socket)
        made = time.time() - 2.0
        for seq in (1, 2, 3, 4):
            await loop.run_in_executor(
                None, lambda seq=seq: here.publish("t", {"seq": seq}, stamp=made + 0.3 * seq)
            )
        for _ in range(100):
            if socket.seqs[-1:] == [4]:
                break
            await asyncio.sleep(0.01)
        assert socket.seqs == [1, 2, 3, 4]
        assert there.stats.coalesced == 0

    run_two(test)
