"""Cool-down after repeated failed sign-ins, per account and per client address.

Counts live in Django's cache (Redis in production, so every worker sees the same counts; the
local-memory cache with the single demo process). A window starts at the first failure; after
LOGIN_FAILURE_LIMIT failures within it, sign-in is refused until the window expires.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{account}", f"login-fail:addr:{address}"]


def is_locked(request: HttpRequest, username: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    # Per-address limit is wider: a venue's phones can share one public address.
    user_key, address_key = _keys(request, username)
    return (cache.get(user_key, 0) >= limit) or (cache.get(address_key, 0) >= limit * 10)


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def clear_failures(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0])
