"""Hashing many initial passwords (an account import) away from the serving process.

This module imports no model: it runs in the spawned low-priority processes of
leitai.core.lowpriority, which have no Django set-up. The parent picks the hasher and the salt
(from its settings); a child only computes the hash.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.hashers import get_hasher
from django.utils.module_loading import import_string

from leitai.core.lowpriority import map_at_low_priority


def _encode(job: tuple[str, str, str]) -> str:
    hasher_path, password, salt = job
    return str(import_string(hasher_path)().encode(password, salt))


def hash_passwords(passwords: list[str]) -> Iterator[str]:
    """make_password() for each, in order, computed at the lowest CPU priority."""
    hasher = get_hasher()
    path = f"{type(hasher).__module__}.{type(hasher).__qualname__}"
    return map_at_low_priority(_encode, [(path, p, hasher.salt()) for p in passwords])
