"""An in-process uvicorn server running the real ASGI application, for the one-process tests.

Tests that need several real processes use the suite's `server_factory` fixture instead.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn


@dataclass
class InProcessServer:
    url: str
    ws_url: str
    host: str

    def ws(self, topic: str) -> str:
        from urllib.parse import quote

        return f"{self.ws_url}/ws/live/{quote(topic, safe='')}"


@pytest.fixture
def live_channel(settings) -> str:
    """A check channel of this test's own: xdist workers share Redis in CI."""
    channel = f"t-{uuid.uuid4().hex[:12]}"
    settings.LIVE_REDIS_CHANNEL = f"leitai:live:test:{channel}"
    return channel


@pytest.fixture
def inprocess_server(settings, live_channel) -> Iterator[InProcessServer]:
    settings.LIVE_GC_FREEZE = False  # the test process lives on; keep its collector untouched
    settings.LIVE_SLOW_CLIENT_SECONDS = 1.0
    from leitai.asgi import application

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        application,
        lifespan="on",
        log_level="warning",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.01)
    host = f"127.0.0.1:{port}"
    yield InProcessServer(url=f"http://{host}", ws_url=f"ws://{host}", host=host)
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()
