"""The simulation's clients answer "busy" as a judge's phone does: wait, then send again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from leitai.simulation.clients import BUSY_RETRIES, Http


class Busy(BaseHTTPRequestHandler):
    """Answers "busy" (503, Retry-After: 0) to the first `busy_for` requests, then 201."""

    busy_for = 0
    seen: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(self.path)
        busy = len(self.seen) <= self.busy_for
        body = b'{"code":"busy"}' if busy else b'{"ok":true}'
        self.send_response(503 if busy else 201)
        if busy:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def busy_server() -> Iterator[tuple[str, type[Busy]]]:
    handler = type("Handler", (Busy,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_a_busy_answer_is_sent_again_until_it_goes_through(busy_server) -> None:
    url, handler = busy_server
    handler.busy_for = 2
    answer = Http(url).post_json("/api/judge/sheets", {"participant": 1})
    assert answer.status == 201
    assert handler.seen == ["/api/judge/sheets"] * 3


def test_a_server_that_stays_busy_is_given_up_on(busy_server) -> None:
    url, handler = busy_server
    handler.busy_for = 100
    answer = Http(url).post_json("/api/judge/sheets", {"participant": 1})
    assert answer.status == 503
    assert len(handler.seen) == BUSY_RETRIES
