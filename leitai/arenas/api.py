"""HTTP API of arenas: the judge's phone (token), the host's console (session), the screen.

The pages use these endpoints; the OpenAPI schema at /api/docs documents them. Refusals answer
404 (an id not in the arena), 409 (not possible now, or the arena closed) or 422 (invalid marks)
with {"code", "detail", …} and change nothing. Every write goes through the command table
(leitai.arenas.commands), which resolves the request's ids within the arena first.
"""

from __future__ import annotations

from http.client import (
    ACCEPTED,
    CONFLICT,
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    UNPROCESSABLE_ENTITY,
)
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import APIKeyHeader

from leitai.arenas import permissions
from leitai.arenas.commands import Surface, run_command
from leitai.arenas.live.state import ArenaSnapshot
from leitai.arenas.models import Arena, Judge
from leitai.arenas.services.declarations import Declared
from leitai.arenas.tokens import judge_signed_in_by
from leitai.core.refusals import INVALID_BODY, answers

# The console's endpoints: anonymous 401, outside the arena's scope 404, in scope but not its
# host 403 (also a signed-in request without its CSRF token).
HOSTS_ONLY = (UNAUTHORIZED, FORBIDDEN, NOT_FOUND)

router = Router(tags=["arenas"])
judge_router = Router(tags=["judges"])


class JudgeToken(APIKeyHeader):
    """A judge's phone sends its personal link's token in X-Judge-Token (no cookie, no CSRF:
    a queued sheet can be resent after the session or the page is gone). A link that signs
    nobody in is refused with 401 and a code naming why (re-issued, revoked, arena closed)."""

    param_name = "X-Judge-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Judge | None:
        return judge_signed_in_by(key)


class SheetIn(Schema):
    participant: int
    marks: dict[str, str]
    key: str


class SheetOut(Schema):
    participant: int
    total: str
    marks: dict[str, str]
    created: bool
    ledger_seq: int


class ParticipantIn(Schema):
    participant: int


class DeclareIn(Schema):
    participant: int
    reason: str


class DeclaredOut(Schema):
    participant: int
    recused: bool
    pending: bool
    detail: str = ""


class ActionIn(Schema):
    participant: int | None = None
    expected_current: int | None = None
    reason: str = ""
    public: str = ""


class PaperSheetIn(Schema):
    judge: str
    participant: int
    marks: dict[str, str]
    key: str


class ReopenIn(Schema):
    judge: str
    participant: int
    reason: str


def _language(request: HttpRequest) -> str:
    return translation.get_language() or "zh-hans"


# -- the judge's phone --------------------------------------------------------------------------


@judge_router.get("/state", auth=JudgeToken(), **answers(dict[str, Any], UNAUTHORIZED))
def judge_state(request: HttpRequest) -> dict[str, Any]:
    judge: Judge = request.auth  # type: ignore[attr-defined]
    return ArenaSnapshot(judge.arena_id).judge(judge, _language(request))


@judge_router.post(
    "/sheets",
    auth=JudgeToken(),
    **answers({OK: SheetOut, CREATED: SheetOut}, UNAUTHORIZED, NOT_FOUND, CONFLICT, *INVALID_BODY),
)
def submit_sheet(request: HttpRequest, payload: SheetIn) -> Status[SheetOut]:
    """Stored exactly once per key: a retry answers 200 with the stored sheet."""
    judge: Judge = request.auth  # type: ignore[attr-defined]
    sheet, created = run_command(
        "sheet", Surface.PHONE, arena=judge.arena, data=payload.model_dump(), signed_in=judge
    )
    from leitai.scoring.exact import plain

    body = SheetOut(
        participant=sheet.participant_id,
        total=plain(sheet.total),
        marks={m.criterion: plain(m.value) for m in sheet.marks.all()},
        created=created,
        ledger_seq=sheet.ledger_seq,
    )
    return Status(201 if created else 200, body)


@judge_router.post(
    "/confirm",
    auth=JudgeToken(),
    **answers(dict[str, Any], UNAUTHORIZED, NOT_FOUND, CONFLICT, *INVALID_BODY),
)
def confirm(request: HttpRequest, payload: ParticipantIn) -> dict[str, Any]:
    judge: Judge = request.auth  # type: ignore[attr-defined]
    participant = run_command(
        "judge_confirm",
        Surface.PHONE,
        arena=judge.arena,
        data=payload.model_dump(),
        signed_in=judge,
    )
    return {"participant": participant.pk, "result": participant.result}


@judge_router.post(
    "/declare",
    auth=JudgeToken(),
    **answers(
        {OK: DeclaredOut, ACCEPTED: DeclaredOut},
        UNAUTHORIZED,
        NOT_FOUND,
        CONFLICT,
        *INVALID_BODY,
    ),
)
def declare_conflict(request: HttpRequest, payload: DeclareIn) -> Status[DeclaredOut]:
    """Before the judge's sheet is in: recused at once (200). After it: sent to the host, who
    decides; nothing changes until then (202, with the words to show)."""
    judge: Judge = request.auth  # type: ignore[attr-defined]
    declared = run_command(
        "declare", Surface.PHONE, arena=judge.arena, data=payload.model_dump(), signed_in=judge
    )
    if declared == Declared.PENDING:
        return Status(
            202,
            DeclaredOut(
                participant=payload.participant,
                recused=False,
                pending=True,
                detail=_(
                    "Your sheet is already in: your declaration goes to the host, and your "
                    "sheet stands unless the host accepts it."
                ),
            ),
        )
    return Status(200, DeclaredOut(participant=payload.participant, recused=True, pending=False))


# -- the screen (public) and the console (hosts) -------------------------------------------------


@router.get(
    "/{arena_id}/screen", auth=None, **answers(dict[str, Any], NOT_FOUND, UNPROCESSABLE_ENTITY)
)
def screen_state(request: HttpRequest, arena_id: int) -> dict[str, Any]:
    if not Arena.objects.filter(pk=arena_id).exists():
        raise Http404
    return ArenaSnapshot(arena_id).screen()


def _runnable(request: HttpRequest, arena_id: int) -> Arena:
    arena = Arena.objects.select_related("host").filter(pk=arena_id).first()
    if arena is None or not permissions.can_view_arena(request.user, arena):
        raise Http404
    if not permissions.can_run_arena(request.user, arena):
        from ninja.errors import HttpError

        raise HttpError(403, "only the host may run this arena")
    return arena


@router.get("/{arena_id}/console", **answers(dict[str, Any], *HOSTS_ONLY, UNPROCESSABLE_ENTITY))
def console_state(request: HttpRequest, arena_id: int) -> dict[str, Any]:
    _runnable(request, arena_id)
    return ArenaSnapshot(arena_id).console()


@router.post(
    "/{arena_id}/actions/{action}",
    **answers(dict[str, Any], *HOSTS_ONLY, CONFLICT, *INVALID_BODY),
)
def run_action(
    request: HttpRequest, arena_id: int, action: str, payload: ActionIn
) -> dict[str, Any]:
    """One console action; answers with the console's new state."""
    arena = _runnable(request, arena_id)
    run_command(action, Surface.CONSOLE, arena=arena, data=payload.model_dump(), by=request.user)
    return ArenaSnapshot(arena_id).console()


@router.post(
    "/{arena_id}/paper-sheets",
    **answers({OK: SheetOut, CREATED: SheetOut}, *HOSTS_ONLY, CONFLICT, *INVALID_BODY),
)
def paper_sheet(request: HttpRequest, arena_id: int, payload: PaperSheetIn) -> Status[SheetOut]:
    arena = _runnable(request, arena_id)
    sheet, created = run_command(
        "paper_sheet", Surface.API, arena=arena, data=payload.model_dump(), by=request.user
    )
    from leitai.scoring.exact import plain

    return Status(
        201 if created else 200,
        SheetOut(
            participant=sheet.participant_id,
            total=plain(sheet.total),
            marks={m.criterion: plain(m.value) for m in sheet.marks.all()},
            created=created,
            ledger_seq=sheet.ledger_seq,
        ),
    )


@router.post(
    "/{arena_id}/reopen",
    **answers(dict[str, Any], *HOSTS_ONLY, CONFLICT, *INVALID_BODY),
)
def reopen(request: HttpRequest, arena_id: int, payload: ReopenIn) -> dict[str, Any]:
    arena = _runnable(request, arena_id)
    run_command("reopen", Surface.API, arena=arena, data=payload.model_dump(), by=request.user)
    return ArenaSnapshot(arena_id).console()
