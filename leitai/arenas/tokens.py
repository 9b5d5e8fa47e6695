"""Judges' personal links.

A token reads "<judge id>-<version>-<mac>", where mac is an HMAC of the id and version under the
installation's SECRET_KEY. Nothing secret is stored, so the host can show or print a judge's link
again at any time; re-issuing bumps the version, which signs the old phone out at once; revoking
sets a flag; links expire when the arena closes. Re-issuing and revoking also close the old
phone's live connection, in every server process, once the change has committed
(`sign_out_phone`): it gets no further update and shows why.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.models import ArenaState, Judge
from leitai.live.hub import close_credential

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


class JudgeLinkRefused(ArenaRefusal):
    """A request whose judge link signs nobody in; the code says why (401 on the API)."""

    status = 401


class LinkRefusal(models.TextChoices):
    """Why a judge link signs nobody in (the API's 401 code, the live socket's close reason)."""

    NO_LINK = "no_link"
    BAD_LINK = "bad_link"
    REISSUED = "link_reissued"
    REVOKED = "link_revoked"
    ARENA_CLOSED = "arena_closed"


def refusal_message(code: LinkRefusal) -> str:
    messages = {
        LinkRefusal.NO_LINK: _(
            "No judge link came with the request. Open your personal judge link."
        ),
        LinkRefusal.BAD_LINK: _(
            "This is not a valid judge link. Check the link or QR code with the host."
        ),
        LinkRefusal.REISSUED: _(
            "This judge link was re-issued to another phone and no longer works here. "
            "Ask the host for your current link."
        ),
        LinkRefusal.REVOKED: _("The host revoked this judge link. Ask the host."),
        LinkRefusal.ARENA_CLOSED: _("The arena has closed: its judge links have expired."),
    }
    return messages[code]


def _refused(code: LinkRefusal) -> JudgeLinkRefused:
    return JudgeLinkRefused(code.value, refusal_message(code))


def sign_out_phone(token: str, why: LinkRefusal) -> None:
    """After the commit that re-issued or revoked `token`: close the phones' live connections
    it opened, in every process. Call it before the change's push is queued (services'
    `touch`), so that the close goes out ahead of the state it would otherwise receive."""
    transaction.on_commit(lambda: close_credential(token, reason=why.value))


def judge_signed_in_by(token: str | None) -> Judge:
    """The judge the token signs in; JudgeLinkRefused naming why it signs in nobody.

    Only a token with a valid MAC learns more than "not a valid link": that one was issued by
    this installation, so saying it was re-issued, revoked or has expired tells a forger nothing.
    """
    if not token:
        raise _refused(LinkRefusal.NO_LINK)
    parts = token.split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise _refused(LinkRefusal.BAD_LINK)
    judge_id, version = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(_mac(judge_id, version), parts[2]):
        raise _refused(LinkRefusal.BAD_LINK)
    judge = Judge.objects.select_related("arena").filter(pk=judge_id).first()
    if judge is None:
        raise _refused(LinkRefusal.BAD_LINK)
    if judge.token_version != version:
        raise _refused(LinkRefusal.REISSUED)
    if judge.token_revoked:
        raise _refused(LinkRefusal.REVOKED)
    if judge.arena.state == ArenaState.CLOSED:
        raise _refused(LinkRefusal.ARENA_CLOSED)
    return judge


def judge_for_token(token: str | None) -> Judge | None:
    """The judge the token signs in, or None when it is malformed, re-issued, revoked or expired."""
    try:
        return judge_signed_in_by(token)
    except JudgeLinkRefused:
        return None
