"""One WebSocket following one topic, with a one-frame slot for when its socket is full."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from leitai.live.eager import ignore_result, start_eagerly

if TYPE_CHECKING:
    from leitai.live.hub import Hub

logger = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]

# What `finished` resolves to when the subscriber's credential was revoked, and when it must
# reconnect to be authorised again (a revocation may have been missed).
REVOKED = "revoked"
REAUTHORISE = "reauthorise"


class Subscriber:
    """One WebSocket following one topic, with a one-frame slot for when its socket is full."""

    __slots__ = (
        "_hub",
        "_send",
        "_writer",
        "blocked_since",
        "close_reason",
        "credential",
        "finished",
        "held",
        "pending",
        "topic",
    )

    def __init__(self, hub: Hub, topic: str, send: Send, credential: str | None = None) -> None:
        self._hub = hub
        # The fingerprint of the credential the socket was authorised with (a judge's link),
        # so that revoking the credential can close it; None for a viewer without one.
        self.credential = credential
        self.close_reason = ""
        self._send = send
        self._writer: asyncio.Task[None] | None = None
        self.topic = topic
        # Held until the initial state is sent: frames arriving meanwhile wait in the slot.
        self.held = True
        self.pending: dict[str, Any] | None = None
        self.blocked_since = 0.0
        # Resolved when the hub stops serving this subscriber (dropped or unsubscribed).
        self.finished: asyncio.Future[str] = hub.loop_or_raise().create_future()

    @property
    def closed(self) -> bool:
        return self.finished.done()

    def offer(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        if self.held or self._writer is not None:
            if self.pending is not None:
                self._hub.stats.client_skipped += 1
            self.pending = message
            if (
                self._writer is not None
                and self._hub.loop_time() - self.blocked_since > self._hub.slow_client_seconds
            ):
                self.drop("slow")
            return
        self._write(message)

    def release(self, initial: str | None) -> None:
        """Send the initial state (if any), then whatever arrived while it was being prepared."""
        self.held = False
        if self.closed:
            return  # its credential was revoked while the initial state was being prepared
        if initial is not None:
            self.pending, newer = None, self.pending
            self._write({"type": "websocket.send", "text": initial})
            if newer is not None:
                self.offer(newer)
        elif self.pending is not None:
            message, self.pending = self.pending, None
            self._write(message)

    def send_direct(self, text: str) -> None:
        """A reply to this client alone (a pong), written without waiting for the socket."""
        if self.closed:
            return
        try:
            task = start_eagerly(self._send({"type": "websocket.send", "text": text}))
        except OSError:
            self.drop("gone")
            return
        if task is not None:
            task.add_done_callback(ignore_result)

    def _write(self, message: dict[str, Any]) -> None:
        try:
            task = start_eagerly(self._send(message))
        except OSError:  # uvicorn's ClientDisconnected: the socket closed under us
            self.drop("gone")
            return
        self._hub.stats.frames_written += 1
        if task is not None:
            self._writer = task
            self.blocked_since = self._hub.loop_time()
            task.add_done_callback(self._write_done)

    def _write_done(self, task: asyncio.Task[None]) -> None:
        self._writer = None
        if task.cancelled():
            return
        if task.exception() is not None:
            self.drop("gone")
            return
        if self.pending is not None and not self.closed:
            message, self.pending = self.pending, None
            self._write(message)

    def revoke(self, reason: str) -> None:
        """Stop serving a subscriber whose credential was revoked; `reason` goes in the close."""
        self.close_reason = reason
        self.drop(REVOKED)

    def drop(self, reason: str) -> None:
        if self.closed:
            return
        if reason == "slow":
            self._hub.stats.dropped_clients += 1
            logger.info("live: dropped a client of %s whose socket stayed full", self.topic)
        self.finished.set_result(reason)
        self.pending = None
        if self._writer is not None:
            self._writer.cancel()
        self._hub.unsubscribe(self)
