"""Two real `leitai serve` processes sharing Redis: an update published by one reaches the other."""

from __future__ import annotations

import http.client
import json
import urllib.parse
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from leitai.live.checks import check_topic
from tests.factories import make_user

pytestmark = [pytest.mark.redis, pytest.mark.server, pytest.mark.django_db(transaction=True)]


def post_check(url: str, cookie: str, csrf: str, **fields: str) -> dict:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(
        "POST",
        "/live/check/send",
        urllib.parse.urlencode(fields),
        {
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body[:500]
    return json.loads(body)


def test_a_check_posted_to_one_server_reaches_a_client_of_the_other(server_factory):
    organiser = make_user(superuser=True)
    client = Client()
    client.force_login(organiser)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    a, b = server_factory(), server_factory()
    channel = f"t-{uuid.uuid4().hex[:12]}"
    topic = check_topic(channel)
    csrf = uuid.uuid4().hex

    with (
        connect(f"{b.ws_url}/ws/live/{topic}") as on_b,
        connect(f"{a.ws_url}/ws/live/{topic}") as on_a,
    ):
        for ws in (on_b, on_a):
            # Pings are answered only once the initial state is out: after this, the update
            # can only arrive as a message, not inside a snapshot read meanwhile.
            ws.send(json.dumps({"type": "ping", "t": 0}))
            assert json.loads(ws.recv(timeout=10))["type"] == "pong"
        sent = post_check(a.url, cookie, csrf, text="from A", channel=channel)
        for ws in (on_b, on_a):
            frame = json.loads(ws.recv(timeout=10))
            assert (frame["type"], frame["topic"]) == ("message", topic)
            assert (frame["data"]["seq"], frame["data"]["text"]) == (sent["seq"], "from A")

    # A viewer who opens the page later, on either server, starts from the same state.
    with connect(f"{b.ws_url}/ws/live/{topic}") as late:
        frame = json.loads(late.recv(timeout=10))
    assert (frame["type"], frame["data"]["seq"]) == ("snapshot", sent["seq"])


def test_a_frame_of_another_test_run_does_not_reach_this_runs_servers(server_factory):
    """Two runs at once (xdist workers, two engineers) share Redis and repeat arena ids: each
    run's servers listen on the run's own channel, not on the default one another run uses."""
    import redis

    from leitai.live.hub import encode_frame

    assert settings.LIVE_REDIS_CHANNEL != "leitai:live"
    server = server_factory()
    topic = check_topic(f"t-{uuid.uuid4().hex[:12]}")
    bus = redis.Redis.from_url(settings.REDIS_URL)
    with connect(f"{server.ws_url}/ws/live/{topic}") as ws:
        ws.send(json.dumps({"type": "ping", "t": 0}))
        assert json.loads(ws.recv(timeout=10))["type"] == "pong"
        for channel, text in (
            ("leitai:live", "another run"),
            (settings.LIVE_REDIS_CHANNEL, "ours"),
        ):
            frame = encode_frame("message", topic, {"seq": 1, "text": text})
            bus.publish(channel, f"{topic}\n{frame}".encode())
        # Redis delivers to one subscriber in publishing order: had the other run's frame
        # reached this server, it would come first.
        assert json.loads(ws.recv(timeout=10))["data"]["text"] == "ours"
    bus.close()


def test_each_xdist_worker_listens_on_a_channel_of_its_own() -> None:
    """Workers inherit the controller's environment, channel included (pytest-django loads the
    test settings there first): a worker's settings put its own id below the run's channel, so
    two workers' arena 1 never share a screen. Shown with the settings loaded as a worker does."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leitai.settings_test",
        "LEITAI_LIVE_REDIS_CHANNEL": "leitai:test:run42",
    }
    read = "import django; django.setup(); from django.conf import settings; "
    read += "print(settings.LIVE_REDIS_CHANNEL)"
    channels = [
        subprocess.run(
            [sys.executable, "-c", read],
            env={**env, "PYTEST_XDIST_WORKER": worker},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for worker in ("gw0", "gw1", "gw1")
    ]
    assert channels == ["leitai:test:run42:gw0", "leitai:test:run42:gw1", "leitai:test:run42:gw1"]
