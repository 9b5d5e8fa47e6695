"""The clients a simulated hall uses: the host's browser, judges' phones, WebSocket followers.

Only HTTP and WebSockets, as the real pages use them: the host signs in through the login page
and calls the host API with the CSRF header; a judge's phone sends its link's token in
X-Judge-Token; a follower reconnects the way live.js does (backoff with jitter, versions never
going backwards on screen, a fresh snapshot after every reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

PERMANENT_CLOSE_CODES = {4400, 4403, 4404}  # as live.js: refused, never retried
BACKOFF_MIN, BACKOFF_MAX = 0.5, 15.0
TOKEN_IN_LINK = re.compile(r"/j/(\d+-\d+-[0-9a-f]{24})")
BUSY_RETRIES = 5  # a request answered "busy" (503, Retry-After) goes out at most this often


class SimulationError(Exception):
    """A failure worth one line to the person at the terminal (no traceback)."""


class Refused(SimulationError):
    """The server refused an action with {"code", "detail"}."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}" if code else detail)
        self.status, self.code, self.detail = status, code, detail


# -- HTTP -----------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    headers: http.client.HTTPMessage

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def refusal(self) -> Refused:
        data = self.json()
        if isinstance(data, dict):
            detail = data.get("detail", "")
            return Refused(self.status, str(data.get("code", "")), str(detail))
        return Refused(self.status, "", f"HTTP {self.status}: {self.body[:200]!r}")


class Http:
    """One kept-alive connection with its own cookies (one per phone; not shared by threads)."""

    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SimulationError(f"--url {base_url!r}: give an address like http://127.0.0.1:8000")
        self.base_url = base_url.rstrip("/")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=self.timeout)

    def open(self) -> None:
        """Connect now, so that a first request goes out without a handshake's delay."""
        if self.connection is None:
            self.connection = self._connect()
            try:
                self.connection.connect()
            except OSError as error:
                self.close()
                raise SimulationError(f"cannot reach {self.base_url}: {error}") from None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One request; a "busy" answer (503 with Retry-After: nothing was changed) is sent
        again after the wait it asks for, as the judge's phone does, a few times."""
        for _busy in range(BUSY_RETRIES):
            answer = self._request_once(method, path, body=body, headers=headers)
            retry_after = answer.headers.get("Retry-After") if answer.status == 503 else None
            if retry_after is None or not retry_after.isdigit():
                return answer
            time.sleep(min(int(retry_after), 10))
        return answer

    def _request_once(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None,
        headers: dict[str, str] | None,
    ) -> Response:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        for attempt in (1, 2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = self._connect()
            try:
                self.connection.request(method, self.prefix + path, body=body, headers=sent)
                raw = self.connection.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                # A kept-alive connection the server closed while idle: open another, once.
                self.close()
                if fresh or attempt == 2:
                    raise SimulationError(f"{self.base_url}: connection lost ({error})") from None
                continue
            except (ConnectionRefusedError, socket.gaierror, TimeoutError, OSError) as error:
                self.close()
                reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
                raise SimulationError(f"cannot reach {self.base_url}: {reason}") from None
            except http.client.HTTPException as error:
                self.close()
                raise SimulationError(f"{self.base_url}: bad HTTP answer ({error!r})") from None
            for header in raw.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            return Response(raw.status, payload, raw.headers)
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Response:
        return self.request(
            "POST",
            path,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Host:
    """The host's browser: a signed-in session, the host API and the set-up page."""

    def __init__(self, base_url: str, arena_id: int) -> None:
        self.http = Http(base_url)
        # Refusals in English, the language of the command's own output.
        self.http.cookies["leitai_language"] = "en"
        self.arena_id = arena_id
        self.username = ""

    def _csrf_headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.referer}

    @property
    def referer(self) -> str:
        return f"{self.http.base_url}/arenas/{self.arena_id}/"

    def sign_in(self, username: str, password: str) -> None:
        page = self.http.get("/accounts/login/")
        if page.status != 200 or "csrftoken" not in self.http.cookies:
            raise SimulationError(
                f"{self.http.base_url} does not look like Leitai: GET /accounts/login/ answered "
                f"{page.status}"
            )
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
        }
        answer = self.http.request(
            "POST",
            "/accounts/login/",
            body=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{self.http.base_url}/accounts/login/",
            },
        )
        if answer.status != 302 or "sessionid" not in self.http.cookies:
            raise SimulationError(
                f"sign-in refused for {username!r} at {self.http.base_url}: wrong user name or "
                "password, or too many failed attempts"
            )
        self.username = username

    def console(self) -> dict[str, Any]:
        answer = self.http.get(f"/api/arenas/{self.arena_id}/console")
        if answer.status == 404:
            raise SimulationError(
                f"arena {self.arena_id} not found at {self.http.base_url} "
                f"(or {self.username} may not see it)"
            )
        if answer.status == 403:
            raise SimulationError(f"{self.username} may not run arena {self.arena_id}")
        if answer.status != 200:
            raise answer.refusal()
        return dict(answer.json())

    def action(self, name: str, **payload: Any) -> dict[str, Any]:
        answer = self.http.post_json(
            f"/api/arenas/{self.arena_id}/actions/{name}", payload, self._csrf_headers()
        )
        if answer.status != 200:
            raise answer.refusal()
        return dict(answer.json())

    def paper_sheet(self, judge: str, participant: int, marks: dict[str, str], key: str) -> None:
        answer = self.http.post_json(
            f"/api/arenas/{self.arena_id}/paper-sheets",
            {"judge": judge, "participant": participant, "marks": marks, "key": key},
            self._csrf_headers(),
        )
        if answer.status not in (200, 201):
            raise answer.refusal()

    def setup_post(self, **form: str) -> None:
        """A form on the set-up page; its refusals come back as messages, so callers re-read."""
        form["csrfmiddlewaretoken"] = self.http.cookies.get("csrftoken", "")
        answer = self.http.request(
            "POST",
            f"/arenas/{self.arena_id}/",
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.referer},
        )
        if answer.status not in (200, 302):
            raise SimulationError(f"set-up page refused {form.get('action')}: HTTP {answer.status}")

    def judge_tokens(self) -> list[str]:
        """The tokens of the judges' links the host sees (JSON endpoint if any, else the pages)."""
        answer = self.http.get(f"/api/arenas/{self.arena_id}/judge-links")
        if answer.status == 200 and isinstance(answer.json(), list):
            return [str(item["token"]) for item in answer.json() if item.get("token")]
        tokens: list[str] = []
        for path in (f"/arenas/{self.arena_id}/judge-links", f"/arenas/{self.arena_id}/"):
            page = self.http.get(path)
            if page.status == 200:
                for token in TOKEN_IN_LINK.findall(page.body.decode("utf-8", "replace")):
                    if token not in tokens:
                        tokens.append(token)
            if tokens:
                break
        return tokens


class Phone:
    """A judge's phone: the personal token in X-Judge-Token, nothing else."""

    def __init__(self, base_url: str, token: str, code: str = "") -> None:
        self.http = Http(base_url)
        self.token = token
        self.code = code  # learnt from the state when not given
        self.is_head = False
        self.judge_id = int(token.split("-", 1)[0])

    def _headers(self) -> dict[str, str]:
        return {"X-Judge-Token": self.token}

    def state(self) -> dict[str, Any]:
        answer = self.http.get("/api/judge/state", self._headers())
        if answer.status != 200:
            raise answer.refusal()
        data = dict(answer.json())
        self.code, self.is_head = data["me"]["code"], bool(data["me"]["head"])
        return data

    def submit(self, participant: int, marks: dict[str, str], key: str) -> Response:
        return self.http.post_json(
            "/api/judge/sheets",
            {"participant": participant, "marks": marks, "key": key},
            self._headers(),
        )

    def confirm(self, participant: int) -> dict[str, Any]:
        answer = self.http.post_json(
            "/api/judge/confirm", {"participant": participant}, self._headers()
        )
        if answer.status != 200:
            raise answer.refusal()
        return dict(answer.json())


# -- WebSocket followers --------------------------------------------------------------------------


@dataclass
class Frame:
    at: float  # time.monotonic() at receipt
    kind: str  # "snapshot" or "message"
    data: dict[str, Any]


class Follower:
    """One WebSocket client of a topic with live.js's reconnect logic."""

    def __init__(
        self,
        base_url: str,
        topic: str,
        *,
        token: str | None = None,
        cookie: str = "",
        label: str = "",
        keep_frames: bool = True,
    ) -> None:
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        query = f"?token={quote(token, safe='')}" if token else ""
        self.url = (
            f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/ws/live/{quote(topic, safe='')}"
            f"{query}"
        )
        self.topic = topic
        self.label = label or topic
        self.cookie = cookie
        self.keep_frames = keep_frames
        self.frames: list[Frame] = []
        self.snapshots = self.updates = self.reconnects = self.stale = 0
        self.refused: int | None = None
        self.last: dict[str, Any] | None = None
        self.last_version: int | None = None
        self.connected = asyncio.Event()
        self._changed: asyncio.Condition | None = None
        self._woken: asyncio.Event | None = None  # set by stop(): cuts a backoff short
        self._stopped = False
        self._socket: Any = None

    async def run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

        self._changed = asyncio.Condition()
        self._woken = asyncio.Event()
        attempt = 0
        headers = {"Cookie": self.cookie} if self.cookie else None
        while not self._stopped:
            try:
                async with connect(
                    self.url, additional_headers=headers, compression=None, open_timeout=10
                ) as socket_:
                    self._socket = socket_
                    if attempt:
                        self.reconnects += 1
                    self.connected.set()
                    async for text in socket_:
                        attempt = 0  # a working connection: the next drop backs off afresh
                        await self._on_frame(text)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                if code in PERMANENT_CLOSE_CODES:
                    self.refused = code
                    return
            except (OSError, TimeoutError, InvalidStatus, InvalidHandshake):
                pass
            finally:
                self._socket = None
                self.connected.clear()
            if self._stopped:
                return
            attempt += 1
            ceiling = min(BACKOFF_MAX, BACKOFF_MIN * 2 ** (attempt - 1))
            # Jitter spreads a hall full of phones over the interval after a server restart.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._woken.wait(), ceiling / 2 + random.random() * ceiling / 2
                )

    async def _on_frame(self, text: str | bytes) -> None:
        now = time.monotonic()
        try:
            frame = json.loads(text)
        except ValueError:
            return
        if frame.get("type") not in {"snapshot", "message"}:
            return
        data = frame.get("data")
        if not isinstance(data, dict):
            return
        version = data.get("version")
        if isinstance(version, int):
            if self.last_version is not None and version < self.last_version:
                self.stale += 1
                return
            self.last_version = version
        if frame["type"] == "snapshot":
            self.snapshots += 1
        else:
            self.updates += 1
        self.last = data
        if self.keep_frames:
            self.frames.append(Frame(now, frame["type"], data))
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any] | None:
        """The latest state once it satisfies predicate, or None after timeout."""
        while self._changed is None:
            await asyncio.sleep(0.01)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while self.last is None or not predicate(self.last):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
            return self.last

    async def stop(self) -> None:
        self._stopped = True
        if self._woken is not None:
            self._woken.set()
        if self._socket is not None:
            await self._socket.close()  # the run loop sees the close and returns

    def first_after(
        self, since: float, predicate: Callable[[dict[str, Any]], bool]
    ) -> Frame | None:
        for frame in self.frames:
            if frame.at >= since and predicate(frame.data):
                return frame
        return None


class BackgroundFollower:
    """A Follower on its own event loop in a daemon thread, for synchronous callers (tests)."""

    def __init__(self, follower: Follower) -> None:
        self.follower = follower
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.task = asyncio.run_coroutine_threadsafe(follower.run(), self.loop)

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any] | None:
        future = asyncio.run_coroutine_threadsafe(
            self.follower.wait_for(predicate, timeout), self.loop
        )
        return future.result(timeout + 5)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.follower.stop(), self.loop).result(15)
        self.task.result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
