"""The live day: going live, calling the next presenter, scoring windows, the timer, closing.

Each transition is a compare-and-set UPDATE (… WHERE state = expected), so the second of two
simultaneous presses changes nothing and writes no ledger entry; this holds on SQLite, where
select_for_update does nothing, as on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.models import (
    Arena,
    ArenaState,
    Participant,
    ParticipantStatus,
    TimerState,
)
from leitai.arenas.panel import rank
from leitai.arenas.services.common import (
    actor_label,
    lock_arena,
    participant_in,
    record,
    touch,
)
from leitai.ledger.chain import append, arena_chain, head_of
from leitai.ledger.hashing import GLOBAL_CHAIN
from leitai.programs.rubrics import rules_from_json

DONE = {
    ParticipantStatus.CONFIRMED,
    ParticipantStatus.SHOWN,
    ParticipantStatus.ABSENT,
    ParticipantStatus.WITHDRAWN,
}


def _move(participant: Participant, from_states: set[str], to_state: str) -> bool:
    return bool(
        Participant.objects.filter(pk=participant.pk, status__in=from_states).update(
            status=to_state
        )
    )


def _spotlight(arena: Arena, participant: Participant | None = None) -> None:
    """Put an earlier result back on the screens, or (None) take it down: every action of the
    host's on the live day moves the hall on, so it clears what was shown again."""
    Arena.objects.filter(pk=arena.pk).update(spotlight=participant)


@transaction.atomic
def go_live(*, arena: Arena, by: Any) -> Arena:
    """Freeze the rubric and rule and write them, the panel and the order to the ledger."""
    arena = lock_arena(arena.pk)
    rules_from_json(arena.rubric, arena.rule)
    if not arena.judges.exists():
        raise ArenaRefusal("no_panel", _("Add the judges before going live."))
    if not Arena.objects.filter(pk=arena.pk, state=ArenaState.DRAWN).update(state=ArenaState.LIVE):
        raise ArenaRefusal("not_drawn", _("Draw the order before going live."))
    actor = actor_label(by)
    record(
        arena,
        "frozen",
        {
            "rubric": arena.rubric,
            "rule": arena.rule,
            "presentation_seconds": arena.presentation_seconds,
            "reveal_marks": arena.reveal_marks,
            "panel": [
                {"judge": j.code, "name": j.name, "head": j.is_head}
                for j in arena.judges.order_by("code")
            ],
            "order": [
                {"participant": p.unit.code, "position": p.position, "presenter": p.presenter}
                for p in arena.participants.select_related("unit")
                .exclude(position=None)
                .order_by("position")
            ],
        },
        actor,
    )
    seq, digest = head_of(arena_chain(arena.pk))
    append(
        chain=GLOBAL_CHAIN,
        kind="arena_live",
        data={"arena": arena.pk, "chain": arena_chain(arena.pk), "seq": seq, "hash": digest},
        actor=actor,
    )
    touch(arena)
    arena.refresh_from_db()
    return arena


def _live(arena: Arena) -> None:
    if arena.state != ArenaState.LIVE:
        raise ArenaRefusal("not_live", _("The arena is not live."))


@transaction.atomic
def call_next(*, arena: Arena, expected_current: int | None, by: Any) -> Participant:
    """Bring on the next presenter. `expected_current` is the presenter the host saw on screen:
    if someone else already moved on, nothing happens (compare-and-set on the arena's current)."""
    arena = lock_arena(arena.pk)
    _live(arena)
    if arena.current_id != expected_current:
        raise ArenaRefusal("moved_on", _("Someone already moved on to the next presenter."))
    if arena.current is not None and arena.current.status not in DONE:
        raise ArenaRefusal(
            "current_unfinished", _("Finish the current presenter first (confirm, or mark absent).")
        )
    following = (
        arena.participants.filter(status=ParticipantStatus.WAITING)
        .exclude(position=None)
        .order_by("position")
        .select_related("unit")
        .first()
    )
    if following is None:
        raise ArenaRefusal("no_more", _("Everyone has presented."))
    moved = Arena.objects.filter(pk=arena.pk, current_id=expected_current).update(
        current=following, timer_state=TimerState.STOPPED, timer_started_at=None, timer_elapsed_ms=0
    )
    if not moved or not _move(following, {ParticipantStatus.WAITING}, ParticipantStatus.PRESENTING):
        raise ArenaRefusal("moved_on", _("Someone already moved on to the next presenter."))
    record(
        arena,
        "presenting",
        {"participant": following.unit.code, "position": following.position},
        actor_label(by),
    )
    _spotlight(arena)
    touch(arena)
    following.status = ParticipantStatus.PRESENTING
    return following


@transaction.atomic
def open_scoring(*, arena: Arena, participant_id: int, by: Any) -> Participant:
    arena = lock_arena(arena.pk)
    _live(arena)
    participant = participant_in(arena, participant_id)
    if arena.current_id != participant.pk or not _move(
        participant, {ParticipantStatus.PRESENTING}, ParticipantStatus.SCORING
    ):
        raise ArenaRefusal("not_presenting", _("Scoring opens for the current presenter only."))
    record(arena, "scoring_opened", {"participant": participant.unit.code}, actor_label(by))
    _spotlight(arena)
    touch(arena)
    return participant


@transaction.atomic
def close_scoring(*, arena: Arena, participant_id: int, by: Any, reason: str = "") -> Participant:
    """Stop taking sheets. Judges who have not submitted are recorded absent for this
    participant (with the host's reason), so the panel shrinks openly, never silently."""
    from leitai.arenas.panel import panel_status
    from leitai.arenas.services.setup import set_absence

    arena = lock_arena(arena.pk)
    _live(arena)
    participant = participant_in(arena, participant_id)
    status = panel_status(participant)
    if status.missing and not reason.strip():
        names = "、".join(j.code for j in status.missing)
        raise ArenaRefusal(
            "sheets_missing",
            _(
                "Sheets missing from %(judges)s: enter their paper sheets, or give "
                "a reason to close without them."
            )
            % {"judges": names},
            missing=[j.code for j in status.missing],
        )
    if not _move(participant, {ParticipantStatus.SCORING}, ParticipantStatus.SCORED):
        raise ArenaRefusal("not_scoring", _("Scoring is not open for this participant."))
    for judge in status.missing:
        set_absence(judge=judge, participant=participant, active=True, reason=reason, by=by)
    record(
        arena,
        "scoring_closed",
        {"participant": participant.unit.code, "without": [j.code for j in status.missing]},
        actor_label(by),
    )
    _spotlight(arena)
    touch(arena)
    return participant


@transaction.atomic
def mark_absent(*, arena: Arena, participant_id: int, by: Any) -> Participant:
    arena = lock_arena(arena.pk)
    participant = participant_in(arena, participant_id)
    if not _move(
        participant,
        {ParticipantStatus.WAITING, ParticipantStatus.PRESENTING},
        ParticipantStatus.ABSENT,
    ):
        raise ArenaRefusal(
            "cannot_mark_absent",
            _("Only a participant who has not been scored can be marked absent."),
        )
    record(arena, "participant_absent", {"participant": participant.unit.code}, actor_label(by))
    _spotlight(arena)
    touch(arena)
    return participant


@transaction.atomic
def show_result(*, arena: Arena, participant_id: int, by: Any) -> Participant:
    """Put a confirmed result on the screen and refresh the live ranking: the current
    presenter's, or an earlier one's that was reopened, corrected and confirmed again."""
    arena = lock_arena(arena.pk)
    participant = participant_in(arena, participant_id)
    if not _move(participant, {ParticipantStatus.CONFIRMED}, ParticipantStatus.SHOWN):
        raise ArenaRefusal("not_confirmed", _("Only a confirmed result can be shown."))
    record(arena, "shown", {"participant": participant.unit.code}, actor_label(by))
    store_ranking(arena)
    # The current presenter's result is the screens' own; an earlier one shown again after a
    # correction is put up until the host's next action.
    _spotlight(arena, None if participant.pk == arena.current_id else participant)
    touch(arena)
    participant.status = ParticipantStatus.SHOWN
    return participant


def store_ranking(arena: Arena) -> list[dict[str, Any]]:
    """Rank the results the hall has seen. Only shown results take a place: a result confirmed
    but not yet shown (or reopened for correction) would otherwise hold a rank the live ranking
    does not list, and the hall would see a hole (1, 2, 4, …). At the close every confirmed
    result is shown first, so the final ranking covers everyone scored."""
    ranked = list(arena.participants.filter(status=ParticipantStatus.SHOWN).select_related("unit"))
    by_id = {str(p.pk): p for p in ranked}
    placings = rank(arena, ranked)
    table = []
    for placing in placings:
        participant = by_id[placing.participant]
        Participant.objects.filter(pk=participant.pk).update(rank=placing.rank, tied=placing.tied)
        table.append(
            {
                "participant": participant.unit.code,
                "rank": placing.rank,
                "tied": placing.tied,
                "score": participant.result["score"],
                "decided_by": placing.decided_by,
            }
        )
    return table


@transaction.atomic
def close_arena(*, arena: Arena, by: Any) -> Arena:
    """Final ranking (ties by the programme's chain, unbreakable ties flagged) and the ledger's
    anchor of the arena's last entry in the global chain. Judges' links expire."""
    arena = lock_arena(arena.pk)
    _live(arena)
    unfinished = arena.participants.exclude(status__in=DONE).select_related("unit")
    if unfinished.exists():
        names = "、".join(p.unit.name for p in unfinished[:5])
        raise ArenaRefusal(
            "unfinished", _("Not everyone is finished: %(names)s.") % {"names": names}
        )
    Participant.objects.filter(arena=arena, status=ParticipantStatus.CONFIRMED).update(
        status=ParticipantStatus.SHOWN
    )
    if not Arena.objects.filter(pk=arena.pk, state=ArenaState.LIVE).update(
        state=ArenaState.CLOSED,
        closed_at=timezone.now(),
        current=None,
        spotlight=None,
        timer_state=TimerState.STOPPED,
    ):
        raise ArenaRefusal("not_live", _("The arena is not live."))
    actor = actor_label(by)
    table = store_ranking(arena)
    record(arena, "closed", {"ranking": table}, actor)
    seq, digest = head_of(arena_chain(arena.pk))
    append(
        chain=GLOBAL_CHAIN,
        kind="arena_closed",
        data={"arena": arena.pk, "chain": arena_chain(arena.pk), "seq": seq, "hash": digest},
        actor=actor,
    )
    touch(arena)
    arena.refresh_from_db()
    return arena


# -- the timer: server state, so every screen shows the same time and a restart loses nothing --


def _elapsed_ms(arena: Arena) -> int:
    elapsed = arena.timer_elapsed_ms
    if arena.timer_state == TimerState.RUNNING and arena.timer_started_at is not None:
        elapsed += int((timezone.now() - arena.timer_started_at).total_seconds() * 1000)
    return elapsed


@transaction.atomic
def timer(*, arena: Arena, action: str, by: Any) -> Arena:
    arena = lock_arena(arena.pk)
    _live(arena)
    now = timezone.now()
    if action == "start":
        changed = (
            Arena.objects.filter(pk=arena.pk)
            .exclude(timer_state=TimerState.RUNNING)
            .update(timer_state=TimerState.RUNNING, timer_started_at=now)
        )
    elif action == "pause":
        changed = Arena.objects.filter(pk=arena.pk, timer_state=TimerState.RUNNING).update(
            timer_state=TimerState.PAUSED,
            timer_started_at=None,
            timer_elapsed_ms=_elapsed_ms(arena),
        )
    elif action == "reset":
        changed = Arena.objects.filter(pk=arena.pk).update(
            timer_state=TimerState.STOPPED, timer_started_at=None, timer_elapsed_ms=0
        )
    else:
        raise ArenaRefusal("unknown_action", _("Unknown timer action."))
    if not changed:
        raise ArenaRefusal("timer_state", _("The timer is already in that state."))
    _spotlight(arena)
    touch(arena)
    arena.refresh_from_db()
    return arena
