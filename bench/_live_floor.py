"""The floor for bench.live: a bare websockets server that broadcasts each update to everyone.

Viewers connect to any path; the poster connects to /control and sends {"seq", "padding_bytes"}
for each update. The server builds the same JSON frame Leitai sends, hands it to
`websockets.broadcast()` (no per-client awaiting, as fast as this library fans out) and then
acknowledges, as Leitai's POST response follows its publish.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time

from websockets.asyncio.server import ServerConnection, broadcast, serve

from bench._live_common import raise_open_files_limit

viewers: set[ServerConnection] = set()


def make_handler(topic: str):  # type: ignore[no-untyped-def]
    async def handler(ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path == "/control":
            async for raw in ws:
                request = json.loads(raw)
                frame = json.dumps(
                    {
                        "type": "message",
                        "topic": topic,
                        "data": {
                            "seq": request["seq"],
                            "sent_at": time.time_ns() // 1_000_000,
                            "text": "bench",
                            "padding": "x" * request["padding_bytes"],
                        },
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                broadcast(viewers, frame)
                await ws.send("ok")
            return
        viewers.add(ws)
        try:
            await ws.wait_closed()
        finally:
            viewers.discard(ws)

    return handler


async def main(port: int, topic: str) -> None:
    async with serve(
        make_handler(topic),
        "127.0.0.1",
        port,
        compression=None,  # the same setting as Leitai's viewers negotiate (they offer none)
        ping_interval=20,
        ping_timeout=20,
        backlog=2048,  # uvicorn's default
    ):
        gc.collect()
        gc.freeze()
        await asyncio.Future()


if __name__ == "__main__":
    import uvloop

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--topic", required=True)
    args = parser.parse_args()
    raise_open_files_limit()
    uvloop.run(main(args.port, args.topic))
