"""Judges' personal links: an opaque token whose secret part is stored only as a hash.

A token reads "<judge id>-<version>-<secret>". Re-issuing bumps the version, so the old phone's
link and session stop working at once; revoking sets a flag; links expire when the arena closes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from leitai.arenas.models import ArenaState, Judge


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(judge: Judge) -> str:
    """A new link secret for the judge (the previous one stops working). Caller saves the judge."""
    secret = secrets.token_urlsafe(18)
    judge.token_version += 1
    judge.token_hash = _hash(secret)
    judge.token_revoked = False
    return f"{judge.pk}-{judge.token_version}-{secret}"


def judge_link(token: str) -> str:
    return f"{settings.PUBLIC_URL}/j/{token}"


def judge_for_token(token: str | None) -> Judge | None:
    """The judge the token signs in, or None when it is malformed, re-issued, revoked or expired."""
    if not token:
        return None
    parts = token.split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    judge = Judge.objects.select_related("arena").filter(pk=int(parts[0])).first()
    if judge is None or judge.token_revoked or not judge.token_hash:
        return None
    if judge.token_version != int(parts[1]):
        return None
    if not hmac.compare_digest(judge.token_hash, _hash(parts[2])):
        return None
    if judge.arena.state == ArenaState.CLOSED:
        return None
    return judge
