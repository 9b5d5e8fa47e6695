"""The hub's settings, each with the default that `make demo` runs with.

Read through these functions (not at import) so that tests can override settings before a
server starts; the hub reads them once in `Hub.start()`.
"""

from __future__ import annotations

from django.conf import settings


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def redis_channel() -> str:
    # One channel for every topic: one subscription per process, whatever the number of topics.
    return str(getattr(settings, "LIVE_REDIS_CHANNEL", "leitai:live"))


def max_rate() -> float:
    """Most messages a second delivered per topic (leading-edge throttle)."""
    return float(getattr(settings, "LIVE_MAX_RATE", 10.0))


def burst() -> float:
    """How many frames a topic may send back to back before the rate applies (at least 1)."""
    return max(1.0, float(getattr(settings, "LIVE_BURST", 2)))


def fan_out_chunk() -> int:
    """Sockets written per turn of the event loop during a fan-out."""
    return max(1, int(getattr(settings, "LIVE_FAN_OUT_CHUNK", 128)))


def slow_client_seconds() -> float:
    """How long a client may leave a write blocked (its socket full) before it is dropped."""
    return float(getattr(settings, "LIVE_SLOW_CLIENT_SECONDS", 10.0))


def gc_freeze() -> bool:
    """Freeze the start-up heap at lifespan start so collections skip Django's own objects."""
    return bool(getattr(settings, "LIVE_GC_FREEZE", True))


def min_standing() -> float:
    """Seconds a version must stand (until the next became current) not to be skipped; see
    leitai.live.standing."""
    from leitai.live.standing import MIN_STANDING_SECONDS

    default = MIN_STANDING_SECONDS * 1000
    return max(0.0, float(getattr(settings, "LIVE_MIN_STANDING_MS", default))) / 1000
