"""The WebSocket endpoint under a real uvicorn server in this process, with real clients."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from leitai.accounts.permissions import is_organiser
from leitai.live.checks import check_topic, send_check_message
from leitai.live.hub import get_hub, publish
from leitai.live.topics import register_topic, unregister_topic

TIMEOUT = 5


def frames_until(ws: ClientConnection, predicate: Any, timeout: float = TIMEOUT) -> list[dict]:
    """Receive frames until one satisfies predicate; return them all."""
    received = []
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        received.append(frame)
        if predicate(frame):
            return received


def settle(ws: ClientConnection) -> None:
    """Wait until the server has sent the initial state: it answers pings only after that."""
    ws.send(json.dumps({"type": "ping", "t": 0}))
    frames_until(ws, lambda f: f["type"] == "pong")


def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=TIMEOUT)
    assert ws.close_code is not None
    return ws.close_code


@pytest.fixture
def test_topics() -> Iterator[None]:
    patterns = {
        r"test:closed": lambda access, match: False,
        r"test:organisers": lambda access, match: is_organiser(access.user),
        r"test:token": lambda access, match: access.token == "s3cret",
    }
    for pattern, authorize in patterns.items():
        register_topic(pattern, authorize=authorize)
    yield
    for pattern in patterns:
        unregister_topic(pattern)


@pytest.mark.django_db(transaction=True)
def test_check_message_round_trip(inprocess_server, live_channel):
    topic = check_topic(live_channel)
    with connect(inprocess_server.ws(topic)) as ws:
        settle(ws)  # else the snapshot, read meanwhile, may already hold the message
        sent = send_check_message(text="hall 2", padding_bytes=2048, channel=live_channel)
        (frame,) = frames_until(ws, lambda f: f["type"] == "message")
    assert frame == {"type": "message", "topic": topic, "data": sent}
    assert len(frame["data"]["padding"]) == 2048


@pytest.mark.django_db(transaction=True)
def test_a_new_client_starts_from_the_snapshot(inprocess_server, live_channel):
    sent = send_check_message(text="before you came", channel=live_channel)
    with connect(inprocess_server.ws(check_topic(live_channel))) as ws:
        first = json.loads(ws.recv(timeout=TIMEOUT))
    assert first == {"type": "snapshot", "topic": check_topic(live_channel), "data": sent}


@pytest.fixture
def versioned_topic() -> Iterator[dict[str, int]]:
    """A topic whose snapshot counts its builds and whose states carry the version in `db`."""
    db = {"version": 1, "builds": 0}

    def snapshot(match: Any) -> dict[str, Any]:
        db["builds"] += 1
        return {"version": db["version"]}

    def still_current(match: Any, frame: str) -> bool:
        return json.loads(frame)["data"]["version"] == db["version"]

    register_topic(
        r"test:versioned",
        authorize=lambda access, match: True,
        snapshot=snapshot,
        still_current=still_current,
    )
    yield db
    unregister_topic(r"test:versioned")


def test_late_joiners_get_the_last_frame_while_it_is_current(inprocess_server, versioned_topic):
    def join() -> dict[str, Any]:
        with connect(inprocess_server.ws("test:versioned")) as ws:
            return json.loads(ws.recv(timeout=TIMEOUT))

    assert join()["data"] == {"version": 1}
    assert [join()["data"] for _ in range(3)] == [{"version": 1}] * 3
    assert versioned_topic["builds"] == 1  # the first joiner's snapshot served the others

    versioned_topic["version"] = 2  # changed, and its push not yet arrived
    assert join()["data"] == {"version": 2}
    assert versioned_topic["builds"] == 2

    publish("test:versioned", {"version": 2, "pushed": True})
    deadline = time.monotonic() + TIMEOUT
    while json.loads(get_hub().last_frame("test:versioned") or "{}").get("type") != "message":
        assert time.monotonic() < deadline, "the push never reached the hub"
        time.sleep(0.01)
    # The pushed frame, still current, is what the next joiner starts from, as a snapshot.
    assert join() == {
        "type": "snapshot",
        "topic": "test:versioned",
        "data": {"version": 2, "pushed": True},
    }
    assert versioned_topic["builds"] == 2


def test_hub_publish_reaches_every_client_of_the_topic(inprocess_server, live_channel):
    topic = check_topic(live_channel)
    with connect(inprocess_server.ws(topic)) as one, connect(inprocess_server.ws(topic)) as two:
        publish(topic, {"seq": 1, "text": "to both"})
        for ws in (one, two):
            assert json.loads(ws.recv(timeout=TIMEOUT))["data"] == {"seq": 1, "text": "to both"}


def test_throttle_sends_the_first_at_once_and_always_the_last(inprocess_server, live_channel):
    topic = check_topic(live_channel)
    with connect(inprocess_server.ws(topic)) as ws:
        started = time.monotonic()
        publish(topic, {"seq": 1})
        first = json.loads(ws.recv(timeout=TIMEOUT))
        first_latency = time.monotonic() - started
        for seq in range(2, 41):  # 39 more in about 0.4 s: four times the allowed rate
            publish(topic, {"seq": seq})
            time.sleep(0.01)
        received = [first, *frames_until(ws, lambda f: f["data"]["seq"] == 40)]
        elapsed = time.monotonic() - started
    seqs = [f["data"]["seq"] for f in received]
    assert seqs[0] == 1
    assert first_latency < 0.5
    assert seqs == sorted(seqs)
    assert seqs[-1] == 40
    # At most 10 a second after a burst of two, to within uvloop's millisecond clock.
    assert len(seqs) <= (elapsed + 0.01) * 10 + 2


def test_unknown_topic_is_closed_with_4404(inprocess_server):
    with connect(inprocess_server.ws("nobody:registered:this")) as ws:
        assert close_code(ws) == 4404


def test_malformed_topic_is_closed_with_4400(inprocess_server):
    with connect(inprocess_server.ws("spaces are not allowed")) as ws:
        assert close_code(ws) == 4400


def test_refused_authorisation_is_closed_with_4403_and_gets_nothing(inprocess_server, test_topics):
    with connect(inprocess_server.ws("test:closed")) as ws:
        publish("test:closed", {"secret": True})
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=TIMEOUT)  # the close, never a frame
        assert ws.close_code == 4403
    assert ("test:closed", 1) not in get_hub().figures().topics


def test_token_from_the_query_string_reaches_authorize(inprocess_server, test_topics):
    with connect(inprocess_server.ws("test:token") + "?token=s3cret") as ws:
        publish("test:token", {"ok": True})
        assert json.loads(ws.recv(timeout=TIMEOUT))["data"] == {"ok": True}
    with connect(inprocess_server.ws("test:token") + "?token=wrong") as ws:
        assert close_code(ws) == 4403


def test_revoking_the_token_closes_the_socket_with_4401_and_its_reason(
    inprocess_server, test_topics
):
    url = inprocess_server.ws("test:token") + "?token=s3cret"
    with connect(url) as ws:
        settle(ws)
        get_hub().close_credential("s3cret", reason="link_revoked")
        publish("test:token", {"after": "the revocation"})
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=TIMEOUT)  # the close, never the frame
        assert (ws.close_code, ws.close_reason) == (4401, "link_revoked")
    # The topic still authorises the token (its owner has not caught up): the hub refuses it.
    with connect(url) as ws:
        assert close_code(ws) == 4401  # not even the topic's last frame first
        assert ws.close_reason == "link_revoked"


@pytest.mark.django_db(transaction=True)
def test_session_cookie_authenticates_the_socket(
    inprocess_server, test_topics, client, django_user_model, settings
):
    organiser = django_user_model.objects.create_superuser("org", password="pw-12345-xyz")
    outsider = django_user_model.objects.create_user("outsider", password="pw-12345-xyz")
    url = inprocess_server.ws("test:organisers")

    client.force_login(organiser)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with connect(url, additional_headers={"Cookie": cookie}) as ws:
        publish("test:organisers", {"for": "organisers"})
        assert json.loads(ws.recv(timeout=TIMEOUT))["data"] == {"for": "organisers"}

    client.force_login(outsider)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with connect(url, additional_headers={"Cookie": cookie}) as ws:
        assert close_code(ws) == 4403
    with connect(url) as ws:  # anonymous
        assert close_code(ws) == 4403


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "http://evil.example:8000", "file://"],
)
def test_foreign_origin_is_refused_at_the_handshake(inprocess_server, live_channel, origin):
    with pytest.raises(InvalidStatus) as refused:
        connect(inprocess_server.ws(check_topic(live_channel)), origin=origin)
    assert refused.value.response.status_code == 403


def test_own_and_allowed_origins_are_accepted(inprocess_server, live_channel, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "venue.example"]
    topic = check_topic(live_channel)
    for origin in (inprocess_server.url, "http://venue.example", "https://venue.example:8443"):
        with connect(inprocess_server.ws(topic), origin=origin) as ws:
            publish(topic, {"origin": origin})
            assert json.loads(ws.recv(timeout=TIMEOUT))["data"] == {"origin": origin}


def test_ping_is_answered_with_the_server_time(inprocess_server, live_channel):
    with connect(inprocess_server.ws(check_topic(live_channel))) as ws:
        ws.send("not json")
        ws.send(json.dumps({"type": "subscribe", "topic": "something:else"}))
        ws.send(json.dumps({"type": "ping", "t": 1234.5}))
        pong = json.loads(ws.recv(timeout=TIMEOUT))
    assert pong["type"] == "pong"
    assert pong["t"] == 1234.5
    assert abs(pong["server"] - time.time() * 1000) < 5000


def _raw_client_that_never_reads(host: str, path: str) -> socket.socket:
    hostname, port = host.split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((hostname, int(port)))
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    assert sock.recv(1024).startswith(b"HTTP/1.1 101")
    return sock


def test_a_client_that_stops_reading_delays_no_one_and_is_dropped(
    inprocess_server, live_channel, monkeypatch
):
    # Fill the stuck socket fast (the throttle is tested above); restored for later tests.
    monkeypatch.setattr(get_hub(), "rate", 1000)
    topic = check_topic(live_channel)
    path = "/ws/live/" + topic
    stuck = _raw_client_that_never_reads(inprocess_server.host, path)
    try:
        with connect(inprocess_server.ws(topic)) as ws:
            padding = "x" * 64 * 1024
            for seq in range(1, 151):  # about 10 MB: far more than the stuck socket holds
                publish(topic, {"seq": seq, "padding": padding})
                time.sleep(0.002)
                if seq % 10 == 0:
                    # The reading client keeps up while the other one is stuck.
                    frames_until(ws, lambda f, s=seq: f["data"]["seq"] >= s - 1, timeout=5)
            time.sleep(1.2)  # past LIVE_SLOW_CLIENT_SECONDS = 1
            publish(topic, {"seq": 151})
            frames_until(ws, lambda f: f["data"]["seq"] == 151, timeout=5)
            figures = get_hub().figures()
            assert figures.stats.dropped_clients == 1
            assert figures.topics == [(topic, 1)]
    finally:
        stuck.close()
