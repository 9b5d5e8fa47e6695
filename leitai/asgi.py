"""The ASGI application uvicorn serves: Django for HTTP, the live hub for WebSockets.

WebSockets do not go through Channels' layers: the per-process hub (leitai.live) serialises each
update once and writes it to the local connections, bridged between processes by Redis when
REDIS_URL is set. Lifespan events start and stop the hub's Redis subscription.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from leitai.live.asgi import lifespan, websocket_application  # noqa: E402  (needs apps loaded)
from leitai.live.warmup import warm_up  # noqa: E402

# What the apps load lazily elsewhere (management commands never need it) but a server will, so
# the first request of the day does not wait for it (the scoring core's numpy): registered in
# their AppConfig.ready().
warm_up()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    kind = scope["type"]
    if kind == "http":
        await django_application(scope, receive, send)
    elif kind == "websocket":
        await websocket_application(scope, receive, send)
    elif kind == "lifespan":
        await lifespan(scope, receive, send)
    else:  # pragma: no cover - ASGI servers send only these three
        raise RuntimeError(f"unsupported ASGI scope type {kind!r}")
