"""Judges' personal links.

A token reads "<judge id>-<version>-<mac>", where mac is an HMAC of the id and version under the
installation's SECRET_KEY. Nothing secret is stored, so the host can show or print a judge's link
again at any time; re-issuing bumps the version, which signs the old phone out at once; revoking
sets a flag; links expire when the arena closes.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from leitai.arenas.models import ArenaState, Judge

MAC_LENGTH = 24


def _mac(judge_id: int, version: int) -> str:
    message = f"leitai-judge:{judge_id}:{version}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:MAC_LENGTH]


def token_for(judge: Judge) -> str:
    return f"{judge.pk}-{judge.token_version}-{_mac(judge.pk, judge.token_version)}"


def issue_token(judge: Judge) -> str:
    """A new link for the judge (the previous one stops working). Caller saves the judge."""
    judge.token_version += 1
    judge.token_revoked = False
    return token_for(judge)


def judge_link(judge: Judge) -> str:
    return f"{settings.PUBLIC_URL}/j/{token_for(judge)}"


def judge_for_token(token: str | None) -> Judge | None:
    """The judge the token signs in, or None when it is malformed, re-issued, revoked or expired."""
    if not token:
        return None
    parts = token.split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    judge_id, version = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(_mac(judge_id, version), parts[2]):
        return None
    judge = Judge.objects.select_related("arena").filter(pk=judge_id).first()
    if judge is None or judge.token_revoked or judge.token_version != version:
        return None
    if judge.arena.state == ArenaState.CLOSED:
        return None
    return judge
