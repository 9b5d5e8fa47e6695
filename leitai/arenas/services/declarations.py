"""A judge's declared conflict of interest, and the host's decision on a late one.

Before the judge's sheet is in, declaring recuses the judge at once. Once it is in, the sheet is
locked: a declaration then goes to the host and changes nothing until the host accepts it (the
judge is then recused, and the sheet no longer counts). A confirmed result takes none; the host
reopens the sheet first. Confirmation waits while a declaration is undecided (sheets.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.models import (
    ConflictDeclaration,
    DeclarationState,
    Judge,
    Participant,
    ParticipantStatus,
    RecusalSource,
    Sheet,
)
from leitai.arenas.services.common import (
    actor_label,
    lock_arena,
    participant_in,
    record,
    touch,
)
from leitai.arenas.services.setup import set_recusal

CONFIRMED = {ParticipantStatus.CONFIRMED, ParticipantStatus.SHOWN}


class Declared(StrEnum):
    RECUSED = "recused"  # before the judge's sheet: recused at once
    PENDING = "pending"  # after it: waiting for the host


@transaction.atomic
def declare_conflict(*, judge: Judge, participant_id: int, reason: str) -> Declared:
    reason = reason.strip()
    if not reason:
        raise ArenaRefusal("reason_required", _("Give a reason."))
    arena = lock_arena(judge.arena_id)
    participant = participant_in(arena, participant_id)
    if participant.status in CONFIRMED:
        raise ArenaRefusal(
            "result_confirmed",
            _(
                "The result is confirmed: a conflict can no longer be declared. Tell the host, "
                "who may reopen your sheet."
            ),
        )
    if not Sheet.objects.filter(judge=judge, participant=participant, active=True).exists():
        set_recusal(
            judge=judge,
            participant=participant,
            active=True,
            reason=reason,
            source=RecusalSource.DECLARED,
            by=None,
        )
        return Declared.RECUSED
    if pending_declaration(judge, participant) is not None:
        raise ArenaRefusal(
            "declaration_pending", _("Your declaration is already with the host for a decision.")
        )
    ConflictDeclaration.objects.create(judge=judge, participant=participant, reason=reason)
    record(
        arena,
        "conflict_declared",
        {"judge": judge.code, "participant": participant.unit.code, "reason": reason},
        f"judge:{judge.code}",
    )
    touch(arena)
    return Declared.PENDING


def pending_declaration(judge: Judge, participant: Participant) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(
        judge=judge, participant=participant, state=DeclarationState.PENDING
    ).first()


@transaction.atomic
def decide_declaration(*, judge: Judge, participant: Participant, accept: bool, by: Any) -> None:
    """The host accepts (the judge is recused from here on) or declines (the sheet stands)."""
    arena = lock_arena(judge.arena_id)
    declaration = pending_declaration(judge, participant)
    decided = declaration is not None and ConflictDeclaration.objects.filter(
        pk=declaration.pk, state=DeclarationState.PENDING
    ).update(
        state=DeclarationState.ACCEPTED if accept else DeclarationState.DECLINED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    if declaration is None or not decided:
        raise ArenaRefusal("no_declaration", _("No declaration is waiting for a decision."))
    record(
        arena,
        "conflict_accepted" if accept else "conflict_declined",
        {"judge": judge.code, "participant": participant.unit.code},
        actor_label(by),
    )
    if accept:
        set_recusal(
            judge=judge,
            participant=participant,
            active=True,
            reason=declaration.reason,
            source=RecusalSource.DECLARED,
            by=by,
        )
    touch(arena)
