"""The per-process live hub: topics, local subscribers, the throttle and the Redis bridge.

One `Hub` per server process. `publish(topic, message)` may be called from any thread (Django's
sync views run in worker threads; call it from `transaction.on_commit`). The message is
serialised to JSON once; every local subscriber of the topic gets that same text.

Delivery, in order:

1. `publish` serialises the frame. With REDIS_URL it makes one Redis PUBLISH and stops there:
   every server process (this one included) receives the frame through its one subscription, so
   all processes see the updates of a topic in the same order and end on the same last state.
   Without REDIS_URL it hands the frame to this process's event loop.
2. On the loop, the topic's leading-edge throttle (a token bucket: `rate` tokens a second, at
   most LIVE_BURST in hand) sends a frame at once when a token is there, otherwise queues it and
   sends the queue's frames one per token: at most `rate` frames a second per topic in the long
   run (no more than `burst` back to back), and the last one always goes. A waiting frame is
   skipped only if a newer one became current less than LIVE_MIN_STANDING_MS after it (the
   standing rule, leitai.live.standing; the publisher stamps each frame with its commit), so a
   state that stood reaches the screens even when it arrives here late and in a bunch. The burst
   of 2 lets a publisher that keeps exactly to the rate, with the jitter of real requests, pass
   without being delayed; a faster one is coalesced.
   A fan-out writes to LIVE_FAN_OUT_CHUNK sockets, then lets the loop serve other work (the
   POST that published, other topics) before the next chunk; a newer frame waits until the
   fan-out in progress is done, so every client sees a topic's frames in order.
3. Each subscriber has a one-frame slot. A write to a healthy socket completes synchronously
   (uvicorn writes the frame to the transport); a write that must wait (the client's socket is
   full) continues in its own task while newer frames replace the slot, so one slow client never
   delays the others. A client whose write stays blocked longer than LIVE_SLOW_CLIENT_SECONDS is
   dropped.

4. `close_credential(credential, reason=…)` closes, in every process (through the same Redis
   channel as the frames, so after every frame published before it and before every frame
   published after it), each socket that was authorised with that credential (a judge's link
   that was re-issued or revoked), and refuses it from then on: a socket authorised just before
   the revocation but subscribed after it is closed as it subscribes. After the Redis bridge
   reconnects (a revocation may have been missed meanwhile), every socket authorised with a
   credential is asked to reconnect, which authorises it again.

All hub state is touched only on the event loop's thread; other threads cross over with
`call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.live import conf
from leitai.live.eager import ignore_result
from leitai.live.standing import standing_kept
from leitai.live.subscriber import REAUTHORISE, Send, Subscriber
from leitai.live.topics import check_topic_name, resolve_topic

logger = logging.getLogger(__name__)

# How many topics' last frames are kept for late joiners (a city's busiest day follows some 600
# topics: 50 arenas' screens, consoles and judges' phones); a few KB each.
LAST_FRAMES_KEPT = 4096

# How many revoked credentials a process remembers, to refuse a socket that was authorised just
# before its credential was revoked (a day re-issues a handful of links per arena).
REVOKED_KEPT = 4096
# Frames a throttled topic keeps waiting at most (each stood; the oldest go first beyond it).
PENDING_KEPT = 8

# With Redis, which topics some process's clients follow: a sorted set beside the channel, each
# topic scored with the time (Unix seconds) its mark expires. A process marks a topic as a client
# subscribes (before its snapshot is read) and marks all of its topics again every
# FOLLOW_REFRESH_SECONDS; a process that died stops marking, and its marks expire.
FOLLOW_TTL_SECONDS = 30.0
FOLLOW_REFRESH_SECONDS = 10.0

# On the Redis channel a frame travels as "<topic>\n<frame>"; a topic name never contains "!", so
# this line marks a control message instead: "!close\n<fingerprint> <reason>".
_CONTROL_CLOSE = "!close"

# A close reason travels in the WebSocket close frame (at most 123 bytes): a short code the page
# turns into words in its own language, never the words themselves.
CLOSE_REASON = re.compile(r"[a-z0-9_]{1,64}")


def bridge_client_name() -> str:
    return f"leitai-live-{os.getpid()}"


def credential_fingerprint(credential: str) -> str:
    """What the hub keeps of a credential: the raw token never crosses Redis or stays in memory."""
    return hashlib.sha256(credential.encode()).hexdigest()[:32]


def encode_frame(kind: str, topic: str, data: Any) -> str:
    """The JSON text clients receive: {"type": kind, "topic": topic, "data": data}."""
    return json.dumps(
        {"type": kind, "topic": topic, "data": data},
        cls=DjangoJSONEncoder,  # Decimal scores and datetimes arrive as strings
        ensure_ascii=False,  # Chinese text is half the size as UTF-8 than as \\u escapes
        separators=(",", ":"),
    )


_MESSAGE_HEAD = '{"type":"message",'
_SNAPSHOT_HEAD = '{"type":"snapshot",'


def as_snapshot(frame: str) -> str:
    """A published frame relabelled as the snapshot a new follower starts from."""
    if frame.startswith(_MESSAGE_HEAD):
        return _SNAPSHOT_HEAD + frame[len(_MESSAGE_HEAD) :]
    return frame


def _moment(stamp: bytes) -> float | None:
    try:
        return float(stamp) if stamp else None
    except ValueError:
        return None


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- topics ------------------------------------------------------------------------------


class _Topic:
    __slots__ = ("fanning", "name", "pending", "stamp", "subscribers", "timer", "tokens")

    def __init__(self, name: str, *, tokens: float, now: float) -> None:
        self.name = name
        self.subscribers: set[Subscriber] = set()
        self.tokens = tokens
        self.stamp = now
        # Frames waiting for a token, with the moment each became current (oldest first).
        self.pending: list[tuple[float, str]] = []
        self.timer: asyncio.TimerHandle | None = None
        self.fanning = False  # a chunked fan-out is under way


@dataclass
class HubStats:
    published: int = 0  # publish() calls in this process
    received: int = 0  # frames that reached this process's loop (locally or from Redis)
    sent: int = 0  # frames fanned out to a topic's subscribers
    coalesced: int = 0  # waiting frames skipped: superseded before they stood min_standing
    frames_written: int = 0  # writes to single sockets
    client_skipped: int = 0  # frames a slow client missed because a newer one replaced them
    dropped_clients: int = 0
    redis_publish_errors: int = 0
    redis_reconnects: int = 0


@dataclass
class HubFigures:
    """A consistent copy of the hub's figures, for the status page."""

    attached: bool
    rate: float
    redis: BridgeState
    redis_error: str
    stats: HubStats
    topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def connections(self) -> int:
        return sum(count for _, count in self.topics)


class BridgeState(models.TextChoices):
    OFF = "off", _("Off (one process)")
    CONNECTING = "connecting", _("Connecting")
    SUBSCRIBED = "subscribed", _("Subscribed")
    DOWN = "down", _("Down, retrying")


class Hub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._topics: dict[str, _Topic] = {}
        self._last_frames: dict[str, str] = {}
        self._revoked: dict[str, str] = {}  # credential fingerprint → close reason
        self._bridge: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._subscribed: asyncio.Event | None = None
        self._redis_sync: Any = None
        self._redis_sync_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.stats = HubStats()
        self.bridge_state = BridgeState.OFF
        self.bridge_error = ""
        self.rate = conf.max_rate()
        self.burst = conf.burst()
        self.min_standing = conf.min_standing()
        self.chunk = conf.fan_out_chunk()
        self.slow_client_seconds = conf.slow_client_seconds()
        self.redis_url = conf.redis_url()
        self.channel = conf.redis_channel()

    # -- lifecycle (on the loop) --

    @property
    def attached(self) -> bool:
        return self._loop is not None and not self._loop.is_closed()

    def loop_or_raise(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the live hub is not attached to an event loop")
        return self._loop

    def loop_time(self) -> float:
        return self.loop_or_raise().time()

    async def start(self, *, wait_for_redis: float = 5.0) -> None:
        """Attach to the running loop; with REDIS_URL, subscribe (waiting up to wait_for_redis)."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._topics.clear()
        self._revoked.clear()
        self.stats = HubStats()
        self.rate = conf.max_rate()
        self.burst = conf.burst()
        self.min_standing = conf.min_standing()
        self.chunk = conf.fan_out_chunk()
        self.slow_client_seconds = conf.slow_client_seconds()
        self.redis_url = conf.redis_url()
        self.channel = conf.redis_channel()
        if not self.redis_url:
            self.bridge_state = BridgeState.OFF
            return
        self._subscribed = asyncio.Event()
        self._bridge = loop.create_task(self._run_bridge(), name="leitai-live-redis")
        self._refresher = loop.create_task(self._refresh_follows(), name="leitai-live-follows")
        try:
            await asyncio.wait_for(self._subscribed.wait(), timeout=wait_for_redis)
        except TimeoutError:
            # Serve anyway: local publishes still reach this process's clients, and the bridge
            # keeps retrying. The status page shows the bridge as down.
            logger.error("live: Redis at %s not reachable yet; retrying", self.redis_url)

    async def stop(self) -> None:
        for task in (self._bridge, self._refresher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._bridge = self._refresher = None
        for topic in list(self._topics.values()):
            if topic.timer is not None:
                topic.timer.cancel()
            for subscriber in list(topic.subscribers):
                subscriber.drop("stopped")
        self._topics.clear()
        self._loop = None
        self._loop_thread = None
        self.bridge_state = BridgeState.OFF

    async def ensure_started(self) -> None:
        """For servers run without lifespan events: attach on the first connection."""
        if self._loop is not asyncio.get_running_loop():
            await self.start(wait_for_redis=0.5)

    # -- publishing (any thread) --

    def publish(self, topic: str, message: dict[str, Any], *, stamp: float | None = None) -> None:
        check_topic_name(topic)
        frame = encode_frame("message", topic, message)
        with self._stats_lock:
            self.stats.published += 1
        head = topic if stamp is None else f"{topic} {stamp:.6f}"
        if self.redis_url and self._publish_to_redis(head, frame):
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            # A management command without REDIS_URL: no server in this process to deliver to.
            logger.debug("live: %s published outside a server process and without Redis", topic)
            return
        if threading.get_ident() == self._loop_thread:
            self._receive(topic, frame, stamp)
        else:
            loop.call_soon_threadsafe(self._receive, topic, frame, stamp)

    def close_credential(self, credential: str, *, reason: str) -> None:
        """Close every socket authorised with `credential`, in every process, and refuse it from
        now on; the client sees close code 4401 with `reason` (a short code such as
        "link_revoked"). Call it after the commit that revoked the credential."""
        if CLOSE_REASON.fullmatch(reason) is None:
            raise ValueError(f"close reason {reason!r}: use 1-64 characters from a-z 0-9 _")
        fingerprint = credential_fingerprint(credential)
        if self.redis_url and self._publish_to_redis(_CONTROL_CLOSE, f"{fingerprint} {reason}"):
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # no server in this process, and no Redis: no socket to close
        if threading.get_ident() == self._loop_thread:
            self._close_credential(fingerprint, reason)
        else:
            loop.call_soon_threadsafe(self._close_credential, fingerprint, reason)

    def _close_credential(self, fingerprint: str, reason: str) -> None:
        self._revoked.pop(fingerprint, None)
        self._revoked[fingerprint] = reason
        if len(self._revoked) > REVOKED_KEPT:
            del self._revoked[next(iter(self._revoked))]
        for subscriber in self._credentialed():
            if subscriber.credential == fingerprint:
                subscriber.revoke(reason)

    def _credentialed(self) -> list[Subscriber]:
        return [
            subscriber
            for topic in self._topics.values()
            for subscriber in topic.subscribers
            if subscriber.credential is not None
        ]

    def _publish_to_redis(self, topic: str, frame: str) -> bool:
        from redis.exceptions import RedisError

        try:
            self._redis_client().publish(self.channel, f"{topic}\n{frame}".encode())
        except RedisError as error:
            # The database has committed; the screens must not fail the request. This process's
            # own clients still get the update through the local path.
            with self._stats_lock:
                self.stats.redis_publish_errors += 1
            logger.warning("live: Redis PUBLISH of %s failed: %s", topic, error)
            return False
        return True

    # -- who follows what (any thread) --

    @property
    def follows_key(self) -> str:
        return f"{self.channel}:followed"

    def followed(self, names: list[str]) -> set[str]:
        """Those of `names` some client follows: here, or (with Redis) in any process.

        A publisher builds only these; a topic nobody follows gets its state from its snapshot
        when someone subscribes. Should Redis not answer, every name counts as followed.
        """
        here = {name for name in names if name in self._topics}  # a dict lookup: thread-safe
        elsewhere = [name for name in names if name not in here]
        if not self.redis_url or not elsewhere:
            return here
        from redis.exceptions import RedisError

        try:
            pipe = self._redis_client().pipeline(transaction=False)
            for name in elsewhere:
                pipe.zscore(self.follows_key, name)
            expiries = pipe.execute()
        except RedisError as error:
            logger.warning("live: reading who follows what from Redis failed: %s", error)
            return set(names)
        now = time.time()
        return here | {n for n, e in zip(elsewhere, expiries, strict=True) if e and e > now}

    def followed_under(self, prefix: str) -> set[str] | None:
        """The followed topics whose names start with `prefix`, here or (with Redis) in any
        process; None when Redis does not answer (then every such topic counts as followed).

        For a publisher that cannot name its topics without a read (an arena's judges' phones,
        by judge id): asked first, an arena nobody follows costs no read at all.
        """
        here = {name for name in list(self._topics) if name.startswith(prefix)}
        if not self.redis_url:
            return here
        from redis.exceptions import RedisError

        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + "*"
        now = time.time()
        try:
            found = self._redis_client().zscan_iter(self.follows_key, match=pattern, count=1000)
            elsewhere = {
                name.decode() if isinstance(name, bytes) else str(name)
                for name, expiry in found
                if expiry > now
            }
        except RedisError as error:
            logger.warning("live: reading who follows what from Redis failed: %s", error)
            return None
        return here | elsewhere

    def mark_followed(self, names: list[str]) -> None:
        """With Redis, tell every process's publishers that a client here follows `names`.

        A socket calls it before reading its snapshot: a change committed after the mark is
        built and pushed, one committed before it is in the snapshot.
        """
        if not self.redis_url or not names:
            return
        from redis.exceptions import RedisError

        expiry = time.time() + FOLLOW_TTL_SECONDS
        try:
            pipe = self._redis_client().pipeline(transaction=False)
            pipe.zadd(self.follows_key, dict.fromkeys(names, expiry))
            pipe.zremrangebyscore(self.follows_key, "-inf", time.time())
            pipe.execute()
        except RedisError as error:
            logger.warning("live: marking followed topics in Redis failed: %s", error)

    async def _refresh_follows(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(FOLLOW_REFRESH_SECONDS)
            names = [name for name, topic in self._topics.items() if topic.subscribers]
            try:
                await loop.run_in_executor(None, self.mark_followed, names)
            except Exception:  # the marks must go on, or other processes stop building for us
                logger.exception("live: refreshing the followed topics failed")

    def _redis_client(self) -> Any:
        with self._redis_sync_lock:
            if self._redis_sync is None:
                import redis

                self._redis_sync = redis.Redis.from_url(
                    self.redis_url or conf.redis_url(),
                    socket_timeout=2,
                    socket_connect_timeout=2,
                    health_check_interval=30,
                )
            return self._redis_sync

    # -- delivering (on the loop) --

    def _receive(self, topic_name: str, frame: str, stamp: float | None = None) -> None:
        """A frame for this process's subscribers; `stamp` is when its state became current
        (time.time() of its commit, given by the publisher), else it counts from now."""
        self.stats.received += 1
        self._keep_last(topic_name, frame)
        topic = self._topics.get(topic_name)
        if topic is None or not topic.subscribers:
            return
        moment = time.time() if stamp is None else stamp
        if topic.timer is not None or topic.fanning:
            self._wait(topic, moment, frame)
            return
        if self._take_token(topic):
            self._fan_out(topic, frame)
        else:
            self._wait(topic, moment, frame)
            wait = (1 - topic.tokens) / self.rate
            topic.timer = self.loop_or_raise().call_later(wait, self._flush, topic)

    def _wait(self, topic: _Topic, moment: float, frame: str) -> None:
        """Queue a frame for the next token; skip the waiting ones that did not stand (the
        standing rule, leitai.live.standing), and keep at most PENDING_KEPT."""
        waiting = topic.pending
        waiting.append((moment, frame))
        kept = standing_kept([m for m, _ in waiting], self.min_standing)[-PENDING_KEPT:]
        if len(kept) < len(waiting):
            self.stats.coalesced += len(waiting) - len(kept)
            topic.pending = [waiting[i] for i in kept]

    def _take_token(self, topic: _Topic) -> bool:
        now = self.loop_time()
        topic.tokens = min(self.burst, topic.tokens + (now - topic.stamp) * self.rate)
        topic.stamp = now
        # The timer may fire a hair early by the clock's resolution: allow for it.
        if topic.tokens >= 1 - 1e-6:
            topic.tokens = max(0.0, topic.tokens - 1)
            return True
        return False

    def _flush(self, topic: _Topic) -> None:
        topic.timer = None
        if not topic.pending or not topic.subscribers or topic.fanning:
            return
        if not self._take_token(topic):
            wait = (1 - topic.tokens) / self.rate
            topic.timer = self.loop_or_raise().call_later(wait, self._flush, topic)
            return
        _, frame = topic.pending.pop(0)
        self._fan_out(topic, frame)

    def _fan_out(self, topic: _Topic, frame: str) -> None:
        self.stats.sent += 1
        topic.fanning = True
        # One ASGI message for every socket: uvicorn only reads it.
        message = {"type": "websocket.send", "text": frame}
        self._write_chunk(topic, tuple(topic.subscribers), 0, message)

    def _write_chunk(
        self,
        topic: _Topic,
        subscribers: tuple[Subscriber, ...],
        start: int,
        message: dict[str, Any],
    ) -> None:
        if self._loop is None:
            return  # stopped between two chunks
        end = start + self.chunk
        for subscriber in subscribers[start:end]:
            subscriber.offer(message)
        if end < len(subscribers):
            self.loop_or_raise().call_soon(self._write_chunk, topic, subscribers, end, message)
            return
        topic.fanning = False
        if topic.pending and topic.timer is None:
            self._flush(topic)

    def subscribe(
        self, topic_name: str, send: Send, *, credential: str | None = None
    ) -> Subscriber:
        """A held subscriber: call `release(initial_frame)` once the initial state is known.

        `credential` is what the socket was authorised with (a judge's link), if anything:
        `close_credential` closes it. One already revoked is closed at once: it was authorised
        before the revocation reached this process, but must not follow the topic after it.
        """
        fingerprint = credential_fingerprint(credential) if credential else None
        subscriber = Subscriber(self, topic_name, send, fingerprint)
        topic = self._topics.get(topic_name)
        if topic is None:
            topic = _Topic(topic_name, tokens=self.burst, now=self.loop_time())
            self._topics[topic_name] = topic
        topic.subscribers.add(subscriber)
        if fingerprint is not None and fingerprint in self._revoked:
            subscriber.revoke(self._revoked[fingerprint])
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if not subscriber.finished.done():
            subscriber.finished.set_result("unsubscribed")
        topic = self._topics.get(subscriber.topic)
        if topic is None:
            return
        topic.subscribers.discard(subscriber)
        if not topic.subscribers:
            if topic.timer is not None:
                topic.timer.cancel()
            del self._topics[subscriber.topic]

    def last_frame(self, topic_name: str) -> str | None:
        return self._last_frames.get(topic_name)

    def remember(self, topic_name: str, frame: str, *, unless_changed_from: str | None) -> None:
        """Keep a snapshot built for a joiner as the topic's last frame, for the next joiners.

        Only when no frame arrived while it was being built (the last frame is still the one seen
        before): a frame published meanwhile may be newer and is kept instead.
        """
        if self._last_frames.get(topic_name) is unless_changed_from:
            self._keep_last(topic_name, frame)

    def _keep_last(self, topic_name: str, frame: str) -> None:
        last = self._last_frames
        last.pop(topic_name, None)  # re-inserted at the end: the oldest topic goes first
        last[topic_name] = frame
        if len(last) > LAST_FRAMES_KEPT:
            del last[next(iter(last))]

    # -- the Redis bridge (on the loop) --

    async def _run_bridge(self) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        backoff = 0.25
        connected_before = False
        while True:
            self.bridge_state = BridgeState.CONNECTING
            # Named, so that an operator (and a test) can tell this process's subscription
            # apart in Redis's CLIENT LIST.
            client = aioredis.Redis.from_url(
                self.redis_url, socket_connect_timeout=2, client_name=bridge_client_name()
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.bridge_state = BridgeState.SUBSCRIBED
                self.bridge_error = ""
                backoff = 0.25
                if self._subscribed is not None:
                    self._subscribed.set()
                if connected_before:
                    # Updates published while we were cut off are lost to us: send every
                    # followed topic's current state again. A revocation may have been lost
                    # too: sockets authorised by a credential reconnect and are authorised
                    # again.
                    self.stats.redis_reconnects += 1
                    for subscriber in self._credentialed():
                        subscriber.drop(REAUTHORISE)
                    self._spawn(self._resync())
                connected_before = True
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    head, _, frame = item["data"].partition(b"\n")
                    if head == _CONTROL_CLOSE.encode():
                        fingerprint, _, reason = frame.decode().partition(" ")
                        self._close_credential(fingerprint, reason)
                    else:
                        topic, _, stamp = head.partition(b" ")  # "topic[ moment]"
                        self._receive(topic.decode(), frame.decode(), _moment(stamp))
            except (RedisError, OSError) as error:
                self.bridge_state = BridgeState.DOWN
                self.bridge_error = str(error)
                logger.warning("live: Redis subscription lost: %s", error)
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except (RedisError, OSError):
                    pass
            await asyncio.sleep(backoff * (1 + random.random()))
            backoff = min(backoff * 2, 5.0)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = self.loop_or_raise().create_task(coro)
        task.add_done_callback(ignore_result)

    async def _resync(self) -> None:
        from asgiref.sync import sync_to_async

        for name in list(self._topics):
            resolved = resolve_topic(name)
            if resolved is None or resolved[0].snapshot is None:
                continue
            spec, match = resolved
            state = await sync_to_async(spec.snapshot, thread_sensitive=True)(match)
            if state is not None:
                self._receive(name, encode_frame("snapshot", name, state))

    # -- figures (any thread) --

    def figures(self) -> HubFigures:
        loop = self._loop
        if loop is not None and threading.get_ident() != self._loop_thread and loop.is_running():
            # The hub's dictionaries change on the loop; read them there.
            async def read() -> HubFigures:
                return self._figures_now()

            return asyncio.run_coroutine_threadsafe(read(), loop).result(timeout=5)
        return self._figures_now()

    def _figures_now(self) -> HubFigures:
        return HubFigures(
            attached=self.attached,
            rate=self.rate,
            redis=BridgeState(self.bridge_state),
            redis_error="" if self.bridge_state == BridgeState.SUBSCRIBED else self.bridge_error,
            stats=HubStats(**vars(self.stats)),
            topics=sorted((name, len(t.subscribers)) for name, t in self._topics.items()),
        )


_hub = Hub()


def get_hub() -> Hub:
    return _hub


def publish(topic: str, message: dict[str, Any], *, stamp: float | None = None) -> None:
    """Send `message` (a JSON-serialisable dict) to every follower of `topic`, in every process.

    Call it after the commit: `transaction.on_commit(lambda: publish(topic, state))`. `stamp`:
    when the state became current (time.time() of its commit), if it is built later than that;
    a topic's throttle skips a waiting state only if it did not stand (leitai.live.standing).
    """
    _hub.publish(topic, message, stamp=stamp)


def close_credential(credential: str, *, reason: str) -> None:
    """Close every live socket authorised with `credential`, in every process (see Hub)."""
    _hub.close_credential(credential, reason=reason)


def multi_process_ready() -> tuple[bool, str]:
    """Whether several server processes would each see every update (`serve --workers N`)."""
    if not conf.redis_url():
        return False, (
            "several workers need REDIS_URL: without it each process's live hub reaches only "
            "its own WebSocket clients"
        )
    return True, ""


def followed(names: list[str]) -> set[str]:
    """Those of `names` some client follows, in this process or (with Redis) any (see Hub)."""
    return _hub.followed(names)


def followed_under(prefix: str) -> set[str] | None:
    """The followed topics named `prefix`…, or None when that cannot be known (see Hub)."""
    return _hub.followed_under(prefix)


def can_deliver() -> bool:
    """Whether a publish from this process reaches anyone: a server's event loop here, or Redis.

    Callers that build an expensive state only to publish it (the arena screens) check this
    first, so a management command without Redis builds nothing.
    """
    loop = _hub._loop
    return bool(conf.redis_url()) or (loop is not None and not loop.is_closed())
