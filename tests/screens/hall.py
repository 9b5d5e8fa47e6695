"""The hall's people acting on a real server over HTTP, for the screens' browser tests.

The host and the other judges act through the server's HTTP API, not through services in the
test process: a service called here would commit, but its push after the commit would reach no
screen (without REDIS_URL a process that runs no server has no hub to deliver to).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from leitai.arenas.models import Judge
from leitai.arenas.tokens import token_for
from tests.arena_factories import ArenaWorld
from tests.support.server import ServerProcess

# Chromium resolves this name to the loopback address; being neither "localhost" nor an IP of
# the loopback range, the origin http://leitai.lan:PORT is not a secure context, like a venue's
# http://192.168.x.y:8000 (no crypto.randomUUID, no service worker).
LAN_HOST = "leitai.lan"


def lan_url(server: ServerProcess) -> str:
    return f"http://{LAN_HOST}:{server.port}"


@dataclass
class Answer:
    status: int
    data: Any


def post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Answer(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, json.loads(error.read() or b"null"))


@dataclass
class Hall:
    """The host at the console and the judges' phones, as HTTP clients of one server."""

    server: ServerProcess
    world: ArenaWorld
    session: str = ""
    csrf: str = field(default_factory=lambda: get_random_string(32))
    keys: int = 0

    def __post_init__(self) -> None:
        client = Client()
        client.force_login(self.world.host_user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def host_post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = post_json(
            f"{self.server.url}/api/arenas/{self.world.arena.pk}/{path}",
            payload,
            {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
                "X-CSRFToken": self.csrf,
            },
        )
        assert answer.status == 200, (path, answer)
        return answer.data

    def judge_link(self, action: str, code: str) -> None:
        """The host presses "New link" (reissue) or "Revoke" on the arena's page."""
        request = urllib.request.Request(
            f"{self.server.url}/arenas/{self.world.arena.pk}/",
            data=urllib.parse.urlencode(
                {"action": action, "judge": code, "csrfmiddlewaretoken": self.csrf}
            ).encode(),
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # follows the redirect
            assert response.status == 200
        judge = Judge.objects.get(arena=self.world.arena, code=code)
        self.world.tokens[code] = token_for(judge)

    def act(self, action: str, **payload: Any) -> dict[str, Any]:
        """A console action; returns the console's new state (it carries the version)."""
        return self.host_post(f"actions/{action}", payload)

    def reopen(self, code: str, participant: int, reason: str) -> dict[str, Any]:
        return self.host_post(
            "reopen", {"judge": code, "participant": participant, "reason": reason}
        )

    def next(self) -> dict[str, Any]:
        current = self.current_id()
        return self.act("next", expected_current=current)

    def current_id(self) -> int | None:
        self.world.arena.refresh_from_db()
        return self.world.arena.current_id

    def judge(self, code: str, path: str, body: dict[str, Any]) -> Answer:
        return post_json(
            f"{self.server.url}/api/judge/{path}",
            body,
            {"X-Judge-Token": self.world.tokens[code]},
        )

    def sheet(self, code: str, participant: int, marks: dict[str, str]) -> Answer:
        self.keys += 1
        answer = self.judge(
            code, "sheets", {"participant": participant, "marks": marks, "key": f"t{self.keys}"}
        )
        assert answer.status == 201, (code, answer)
        return answer
