"""The live WebSocket endpoint and the ASGI lifespan handler (plain ASGI, no Channels).

A client opens `/ws/live/<topic>` (the topic URL-encoded, `?token=…` optional). In order:

1. An Origin header, when present, must name an allowed host or the Host itself; otherwise the
   handshake is refused with HTTP 403 (a cross-site page cannot borrow a viewer's session).
2. The topic must be registered (else close 4404; a malformed name closes 4400).
3. The topic's `authorize(AccessContext(user, token), match)` must say yes (else close 4403).
   The user comes from the Django session cookie.
4. Accept, subscribe (held), send the initial state (the topic's snapshot, or the last frame
   this process received when the topic says it is still current), then forward the hub's
   frames.

Refusals accept first and then close with the code because browsers cannot see the HTTP status
of a failed handshake; a close code reaches the page's `onclose`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.http.request import validate_host

from leitai.live import conf
from leitai.live.hub import as_snapshot, encode_frame, get_hub, now_ms
from leitai.live.subscriber import REAUTHORISE, REVOKED, Subscriber
from leitai.live.topics import AccessContext, TopicSpec, is_valid_topic_name, resolve_topic

logger = logging.getLogger(__name__)

PATH_PREFIX = "/ws/live/"


class CloseCode:
    BAD_TOPIC = 4400  # the topic name is malformed
    FORBIDDEN = 4403  # the viewer may not follow this topic
    UNKNOWN_TOPIC = 4404  # no app registered this topic
    TOO_SLOW = 4408  # the client did not read for too long; it may reconnect
    REVOKED = 4401  # the credential the socket was authorised with was revoked; reason says why
    REAUTHORISE = 4409  # reconnect to be authorised again (a revocation may have been missed)


# Permanent refusals: the client library does not reconnect after these.
PERMANENT_CLOSE_CODES = {
    CloseCode.BAD_TOPIC,
    CloseCode.FORBIDDEN,
    CloseCode.UNKNOWN_TOPIC,
    CloseCode.REVOKED,
}


def _headers(scope: dict[str, Any]) -> dict[bytes, bytes]:
    # Later duplicates win; Origin, Host and Cookie are single-valued in practice.
    return {name.lower(): value for name, value in scope.get("headers", [])}


def origin_allowed(headers: dict[bytes, bytes]) -> bool:
    """No Origin (a non-browser client) is allowed; a browser's must be an allowed host or ours."""
    raw = headers.get(b"origin")
    if raw is None:
        return True
    origin = raw.decode("latin-1").strip()
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False  # "null" (sandboxed frames, file://) and anything odd
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    if parts.netloc.lower() == host:
        return True
    if origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        return True
    return validate_host(parts.hostname, settings.ALLOWED_HOSTS)


def _user_from_cookie(cookie_header: str) -> Any:
    session_key = parse_cookie(cookie_header).get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(request)  # checks the session's auth hash, as a page request would


def _authorize(spec: TopicSpec, match: Any, cookie_header: str, token: str | None) -> bool:
    # Runs in Django's sync thread like a request: release stale connections before and after.
    close_old_connections()
    try:
        user = _user_from_cookie(cookie_header)
        return bool(spec.authorize(AccessContext(user=user, token=token), match))
    finally:
        close_old_connections()


def _snapshot_frame(spec: TopicSpec, match: Any, topic: str, last: str | None) -> str | None:
    """The state a new follower starts from: the last frame when still current, else a build."""
    assert spec.snapshot is not None
    # Before the read: publishers elsewhere build this topic's changes from now on.
    get_hub().mark_followed([topic])
    close_old_connections()
    try:
        if last is not None and spec.still_current is not None and spec.still_current(match, last):
            return as_snapshot(last)
        state = spec.snapshot(match)
    finally:
        close_old_connections()
    return None if state is None else encode_frame("snapshot", topic, state)


async def _refuse_after_accept(send: Any, code: int, reason: str) -> None:
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code, "reason": reason})


async def websocket_application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    hub = get_hub()
    await hub.ensure_started()
    first = await receive()
    if first["type"] != "websocket.connect":
        return
    headers = _headers(scope)
    path: str = scope["path"]
    if not path.startswith(PATH_PREFIX) or not origin_allowed(headers):
        # Closing before accepting makes uvicorn answer the handshake with HTTP 403.
        await send({"type": "websocket.close", "code": CloseCode.FORBIDDEN})
        return
    topic = path[len(PATH_PREFIX) :]
    if not is_valid_topic_name(topic):
        await _refuse_after_accept(send, CloseCode.BAD_TOPIC, "malformed topic")
        return
    resolved = resolve_topic(topic)
    if resolved is None:
        await _refuse_after_accept(send, CloseCode.UNKNOWN_TOPIC, "unknown topic")
        return
    spec, match = resolved
    token = _token(scope)
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    allowed = await sync_to_async(_authorize, thread_sensitive=True)(spec, match, cookie, token)
    if not allowed:
        await _refuse_after_accept(send, CloseCode.FORBIDDEN, "not allowed")
        return

    await send({"type": "websocket.accept"})
    # Subscribe before reading the snapshot: an update committed meanwhile waits in the
    # subscriber's slot and follows the snapshot instead of being lost.
    subscriber = hub.subscribe(topic, send, credential=token)
    try:
        if spec.snapshot is not None:
            last = hub.last_frame(topic)
            initial = await sync_to_async(_snapshot_frame, thread_sensitive=True)(
                spec, match, topic, last
            )
            if initial is not None:
                hub.remember(topic, initial, unless_changed_from=last)
        else:
            # No snapshot function: the last frame this process saw is the best it has (in
            # several processes it may be missing or older than another process's).
            initial = hub.last_frame(topic)
        subscriber.release(initial)
        await _serve(subscriber, receive, send)
    finally:
        hub.unsubscribe(subscriber)


def _token(scope: dict[str, Any]) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[-1] if values else None


async def _serve(subscriber: Subscriber, receive: Any, send: Any) -> None:
    """Answer pings until the client leaves or the hub drops it."""

    receiving = asyncio.ensure_future(receive())
    try:
        while True:
            await asyncio.wait(
                (receiving, subscriber.finished), return_when=asyncio.FIRST_COMPLETED
            )
            if subscriber.finished.done() and not receiving.done():
                close = _close_for(subscriber)
                if close is not None:
                    # Best effort: the socket may be full, so do not wait long for the close.
                    with contextlib.suppress(TimeoutError, OSError):
                        await asyncio.wait_for(send(close), 1)
                return
            message = receiving.result()
            if message["type"] == "websocket.disconnect":
                return
            if message["type"] == "websocket.receive":
                reply = pong_for(message.get("text"))
                if reply is not None:
                    subscriber.send_direct(reply)
            receiving = asyncio.ensure_future(receive())
    finally:
        if not receiving.done():
            receiving.cancel()


def _close_for(subscriber: Subscriber) -> dict[str, Any] | None:
    """The close frame for a subscriber the hub stopped serving, when the client must hear why."""
    why = subscriber.finished.result()
    if why == "slow":
        return {"type": "websocket.close", "code": CloseCode.TOO_SLOW}
    if why == REVOKED:
        return {
            "type": "websocket.close",
            "code": CloseCode.REVOKED,
            "reason": subscriber.close_reason,
        }
    if why == REAUTHORISE:
        return {"type": "websocket.close", "code": CloseCode.REAUTHORISE}
    return None


def pong_for(text: str | None) -> str | None:
    """`{"type": "ping", "t": <client ms>}` → the pong text; anything else → None (ignored)."""
    if not text or len(text) > 256:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "ping":
        return None
    client_time = message.get("t")
    if not isinstance(client_time, int | float) or isinstance(client_time, bool):
        return None
    return json.dumps({"type": "pong", "t": client_time, "server": now_ms()})


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """ASGI lifespan: start the hub (and its Redis subscription) and stop it cleanly."""
    hub = get_hub()
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await hub.start()
            if conf.gc_freeze():
                # Everything loaded so far (Django, apps, templates) lives as long as the
                # process; moving it out of the collector's generations shortens GC pauses
                # that would otherwise land in the middle of a fan-out.
                gc.collect()
                gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
