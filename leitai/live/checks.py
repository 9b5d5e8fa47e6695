"""The operators' check topic: `live:check`, and `live:check:<channel>` for separate halls.

On an event day the organisers open /live/check/ on phones and the projector, send a check
message from /live/, and see that it arrives, how fast, and with which sequence number. The same
path carries the fan-out benchmark. The topic is public: its messages say nothing about anyone.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.db import transaction

from leitai.live.hub import now_ms, publish
from leitai.live.topics import allow_everyone, register_topic

CHECK_TOPIC = "live:check"
CHANNEL = re.compile(r"[a-z0-9-]{1,32}")
CHECK_PATTERN = r"live:check(?::(?P<channel>[a-z0-9-]{1,32}))?"
MAX_PADDING_BYTES = 16 * 1024
MAX_TEXT_LENGTH = 200


def check_topic(channel: str = "") -> str:
    return f"{CHECK_TOPIC}:{channel}" if channel else CHECK_TOPIC


def _last_key(topic: str) -> str:
    return f"live:last:{topic}"


def _next_sequence(topic: str) -> int:
    # The cache is shared by every server process when REDIS_URL is set (the only case with
    # several processes), so the numbers are one sequence per topic across the deployment.
    key = f"live:seq:{topic}"
    cache.add(key, 0, timeout=None)
    return int(cache.incr(key))


def send_check_message(*, text: str, padding_bytes: int = 0, channel: str = "") -> dict[str, Any]:
    """Publish a numbered check message to the check topic after the commit; return it."""
    if not 0 <= padding_bytes <= MAX_PADDING_BYTES:
        raise ValueError(f"padding_bytes={padding_bytes}: must be 0 to {MAX_PADDING_BYTES}")
    if channel and not CHANNEL.fullmatch(channel):
        raise ValueError(f"channel={channel!r}: use 1-32 of a-z 0-9 -")
    topic = check_topic(channel)
    message = {
        "seq": _next_sequence(topic),
        "sent_at": now_ms(),
        "text": text[:MAX_TEXT_LENGTH],
        "padding": "x" * padding_bytes,
    }
    # The snapshot a page opened later starts from, whichever process serves it.
    cache.set(_last_key(topic), message, timeout=None)
    transaction.on_commit(lambda: publish(topic, message))
    return message


def check_snapshot(match: re.Match[str]) -> dict[str, Any] | None:
    topic = check_topic(match["channel"] or "")
    last: dict[str, Any] | None = cache.get(_last_key(topic))
    return last


def register_check_topic() -> None:
    register_topic(CHECK_PATTERN, authorize=allow_everyone, snapshot=check_snapshot)
