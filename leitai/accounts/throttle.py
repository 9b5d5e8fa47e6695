"""Cool-down after repeated failed sign-ins, per account at one address and per address.

Counts live in Django's cache (Redis in production, so every worker sees the same counts; the
local-memory cache with the single demo process). A window starts at the first failure.

* An account at one client address is refused after LOGIN_FAILURE_LIMIT failures within the
  window. Counting per account *and* address keeps a guesser elsewhere from locking a host out of
  the sign-in in the hall on an arena day (a per-account count let anyone lock any named account).
* An address is refused after ten times as many failures, whichever accounts they named, so one
  address cannot try a few passwords on many accounts. The limit is wider because a venue's phones
  can share one public address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

ADDRESS_LIMIT_FACTOR = 10


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    account = username.strip().lower()
    pair = hashlib.sha256(f"{account}\n{address}".encode()).hexdigest()[:32]
    return f"login-fail:account-at:{pair}", f"login-fail:addr:{address}"


def is_locked(request: HttpRequest, username: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    pair_key, address_key = _keys(request, username)
    return (
        cache.get(pair_key, 0) >= limit or cache.get(address_key, 0) >= limit * ADDRESS_LIMIT_FACTOR
    )


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def clear_failures(request: HttpRequest, username: str) -> None:
    """After a successful sign-in: the account's count at this address (the address's own count
    stays, or one good account would reset a spray of guesses at others)."""
    cache.delete(_keys(request, username)[0])
