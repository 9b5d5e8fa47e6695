"""Judges' sheets: submission (exactly once per idempotency key), paper entry, correction and
the head judge's confirmation of a result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal, InvalidSheet
from leitai.arenas.models import (
    Arena,
    ArenaState,
    ConflictDeclaration,
    DeclarationState,
    Judge,
    Mark,
    Participant,
    ParticipantStatus,
    Reopening,
    Sheet,
    SheetSource,
)
from leitai.arenas.panel import compute, panel_status, result_json, sheet_marks
from leitai.arenas.services.common import (
    actor_label,
    lock_arena,
    participant_in,
    record,
    touch,
    unknown_participant,
)
from leitai.arenas.services.console import store_ranking
from leitai.scoring import SheetError
from leitai.scoring.membership import Seat

MAX_KEY_LENGTH = 64


def _normalise(marks: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in marks.items()}


def _same_marks(sheet: Sheet, marks: dict[str, Decimal]) -> bool:
    return sheet_marks(sheet) == {k: v.normalize() for k, v in marks.items()}


def submit_sheet(
    *,
    judge: Judge,
    participant_id: int,
    marks: dict[str, Any],
    key: str,
    source: str = SheetSource.PHONE,
    entered_by: Any = None,
) -> tuple[Sheet, bool]:
    """Store a judge's sheet; returns (sheet, created). A retry with the same key and the same
    marks returns the stored sheet (created False); the same key with other marks is refused."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ArenaRefusal("bad_key", _("The submission has no valid idempotency key."))
    try:
        return _submit(
            judge=judge,
            participant_id=participant_id,
            marks=_normalise(marks),
            key=key,
            source=source,
            entered_by=entered_by,
        )
    except IntegrityError:
        # A concurrent retry stored the same key first: answer as for any retry.
        existing = Sheet.objects.filter(judge=judge, idempotency_key=key).first()
        if existing is None:
            raise
        return _replay(existing, marks)


def _replay(existing: Sheet, marks: dict[str, Any]) -> tuple[Sheet, bool]:
    try:
        wanted = {k: Decimal(str(v).strip()) for k, v in marks.items()}
    except ArithmeticError:
        wanted = {}
    if not _same_marks(existing, wanted):
        raise ArenaRefusal(
            "key_reused", _("This submission key was already used with different marks.")
        )
    return existing, False


@transaction.atomic
def _submit(
    *,
    judge: Judge,
    participant_id: int,
    marks: dict[str, str],
    key: str,
    source: str,
    entered_by: Any,
) -> tuple[Sheet, bool]:
    existing = Sheet.objects.filter(judge=judge, idempotency_key=key).first()
    if existing is not None:
        return _replay(existing, marks)
    arena = lock_arena(judge.arena_id)
    judge = Judge.objects.get(pk=judge.pk)
    participant = participant_in(arena, participant_id)
    if arena.state != ArenaState.LIVE:
        raise ArenaRefusal("not_live", _("The arena is not live."))
    if source == SheetSource.PHONE and judge.token_revoked:
        raise ArenaRefusal("revoked", _("Your link was revoked; ask the host."))
    reopening = Reopening.objects.filter(judge=judge, participant=participant, used=False).first()
    if participant.status != ParticipantStatus.SCORING and reopening is None:
        raise ArenaRefusal("not_open", _("Scoring is not open for this participant."))
    status = panel_status(participant, list(arena.judges.all()))
    if status.seats[judge.pk] is Seat.RECUSED:
        raise ArenaRefusal(
            "recused",
            _("You are recused from this participant: %(reason)s")
            % {"reason": status.recusals[judge.pk].reason},
        )
    if status.seats[judge.pk] is not Seat.EXPECTED:  # recorded absent, or not present
        raise ArenaRefusal("absent", _("You are recorded as absent for this participant."))
    if judge.pk in status.sheets:
        raise ArenaRefusal(
            "already_submitted", _("Your sheet for this participant is already in and locked.")
        )
    rubric = arena.rules.rubric
    try:
        checked = rubric.check_sheet(marks)
    except SheetError as error:
        raise InvalidSheet(
            "invalid_marks",
            str(error),
            problems=[
                {
                    "criterion": p.criterion,
                    "value": p.value,
                    "rule": p.rule.value,
                    "message": p.message,
                }
                for p in error.problems
            ],
        ) from None
    total = rubric.total(checked)
    actor = actor_label(entered_by) if source == SheetSource.PAPER else f"judge:{judge.code}"
    seq = record(
        arena,
        "sheet",
        {
            "judge": judge.code,
            "participant": participant.unit.code,
            "marks": {k: str(v) for k, v in checked.items()},
            "total": str(total),
            "source": source,
            "key": key,
            "correction": reopening is not None,
        },
        actor,
    )
    sheet = Sheet.objects.create(
        participant=participant,
        judge=judge,
        total=total,
        source=source,
        entered_by=entered_by,
        idempotency_key=key,
        ledger_seq=seq,
    )
    Mark.objects.bulk_create([Mark(sheet=sheet, criterion=k, value=v) for k, v in checked.items()])
    if reopening is not None:
        Reopening.objects.filter(pk=reopening.pk).update(used=True)
    touch(arena)
    return sheet, True


def enter_paper_sheet(
    *, judge: Judge, participant_id: int, marks: dict[str, Any], key: str, by: Any
) -> tuple[Sheet, bool]:
    """The host types in a judge's paper sheet; recorded as such, with who entered it."""
    return submit_sheet(
        judge=judge,
        participant_id=participant_id,
        marks=marks,
        key=key,
        source=SheetSource.PAPER,
        entered_by=by,
    )


@transaction.atomic
def reopen_sheet(*, judge: Judge, participant_id: int, reason: str, by: Any) -> None:
    """Let a judge correct a submitted sheet: the old sheet stays on record, superseded by the
    next one; a confirmed result is withdrawn until it is confirmed again."""
    if not reason.strip():
        raise ArenaRefusal("reason_required", _("Give a reason for the correction."))
    arena = lock_arena(judge.arena_id)
    if arena.state != ArenaState.LIVE:
        raise ArenaRefusal("not_live", _("The arena is not live."))
    participant = participant_in(arena, participant_id)
    if not Sheet.objects.filter(judge=judge, participant=participant, active=True).update(
        active=False
    ):
        raise ArenaRefusal("no_sheet", _("This judge has no sheet for this participant."))
    Reopening.objects.create(judge=judge, participant=participant, reason=reason.strip(), by=by)
    Participant.objects.filter(
        pk=participant.pk,
        status__in=[ParticipantStatus.SCORED, ParticipantStatus.CONFIRMED, ParticipantStatus.SHOWN],
    ).update(status=ParticipantStatus.SCORING, score=None, result=None, rank=None, tied=False)
    # The withdrawn result leaves the live ranking; the others close up behind it.
    store_ranking(arena)
    record(
        arena,
        "reopened",
        {"judge": judge.code, "participant": participant.unit.code, "reason": reason.strip()},
        actor_label(by),
    )
    touch(arena)


def _arena_of(participant_id: int) -> int:
    arena_id = Participant.objects.filter(pk=participant_id).values_list("arena_id", flat=True)
    found = arena_id.first()
    if found is None:
        raise unknown_participant()
    return int(found)


def pending_result(participant: Participant) -> dict[str, Any] | None:
    """The result awaiting the head judge: computed once every expected sheet is in."""
    status = panel_status(participant)
    if participant.status not in (ParticipantStatus.SCORING, ParticipantStatus.SCORED):
        return None
    if not status.all_in:
        return None
    return result_json(compute(participant.arena, status), status)


@transaction.atomic
def confirm_result(
    *, participant_id: int, judge: Judge | None, by: Any = None, arena: Arena | None = None
) -> Participant:
    """The head judge (or the host on their behalf, recorded as such) confirms a result once
    every expected sheet is in. The figures come from the scoring core and go into the ledger.

    The participant is looked up in the judge's arena, or in `arena` (the one the host runs);
    without either it is the participant's own arena."""
    if judge is not None:
        arena_id = judge.arena_id
    elif arena is not None:
        arena_id = arena.pk
    else:
        arena_id = _arena_of(participant_id)
    arena = lock_arena(arena_id)
    participant = participant_in(arena, participant_id)
    if judge is not None and not judge.is_head:
        raise ArenaRefusal("not_head", _("Only the head judge confirms results."))
    if ConflictDeclaration.objects.filter(
        participant=participant, state=DeclarationState.PENDING
    ).exists():
        raise ArenaRefusal(
            "declaration_pending",
            _(
                "A judge declared a conflict with this participant after submitting; the host "
                "decides on it on the arena's set-up page before the result is confirmed."
            ),
        )
    status = panel_status(participant, list(arena.judges.all()))
    if not status.all_in:
        raise ArenaRefusal(
            "sheets_missing",
            _("Not every sheet is in yet."),
            missing=[j.code for j in status.missing],
        )
    score = compute(arena, status)
    result = result_json(score, status)
    if not Participant.objects.filter(
        pk=participant.pk,
        status__in=[ParticipantStatus.SCORING, ParticipantStatus.SCORED],
    ).update(status=ParticipantStatus.CONFIRMED, score=score.score, result=result):
        raise ArenaRefusal("not_confirmable", _("This result cannot be confirmed now."))
    actor = f"judge:{judge.code}" if judge is not None else f"{actor_label(by)} for the head judge"
    record(arena, "confirmed", {"participant": participant.unit.code, "result": result}, actor)
    touch(arena)
    participant.refresh_from_db()
    return participant
