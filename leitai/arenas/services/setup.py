"""Setting up an arena: details, rubric and rule, participants, the panel, recusals and
absences."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, Final

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.frozen import DETAILS_FROZEN_WHEN_LIVE
from leitai.arenas.models import (
    Absence,
    Arena,
    ArenaState,
    DrawState,
    Judge,
    Participant,
    ParticipantStatus,
    Recusal,
    RecusalSource,
    RevealMarks,
    Sheet,
)
from leitai.arenas.services.common import actor_label, lock_arena, record, touch
from leitai.arenas.tokens import LinkRefusal, issue_token, sign_out_phone, token_for
from leitai.orgs.models import Unit
from leitai.programs.models import Programme
from leitai.programs.rubrics import rules_from_json


@transaction.atomic
def create_arena(
    *,
    programme: Programme,
    title: str,
    host: Unit,
    venue: str,
    starts_at: dt.datetime,
    by: Any,
    presentation_seconds: int = 480,
    warning_seconds: int = 60,
    reveal_marks: str = RevealMarks.ON_CONFIRM,
) -> Arena:
    arena = Arena.objects.create(
        programme=programme,
        title=title,
        host=host,
        venue=venue,
        starts_at=starts_at,
        rubric=list(programme.rubric),
        rule=dict(programme.rule),
        presentation_seconds=presentation_seconds,
        warning_seconds=warning_seconds,
        reveal_marks=reveal_marks,
        created_by=by,
    )
    record(
        arena,
        "arena_created",
        {"title": title, "host": host.code, "programme": programme.pk},
        actor_label(by),
    )
    return arena


def _editable(arena: Arena) -> None:
    if arena.is_frozen:
        raise ArenaRefusal("frozen", _("The arena is live: its rubric and rule are frozen."))


class Keep(Enum):
    """A detail the caller leaves as it is: the default of `update_details` and `update_rubric`.
    An enum of one member, so that mypy knows it apart from every value a detail may take."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


def update_details(
    *,
    arena: Arena,
    by: Any,
    programme: Programme | Keep = KEEP,
    title: str | Keep = KEEP,
    venue: str | Keep = KEEP,
    starts_at: dt.datetime | Keep = KEEP,
    presentation_seconds: int | Keep = KEEP,
    warning_seconds: int | Keep = KEEP,
    reveal_marks: str | Keep = KEEP,
    registration_open: bool | Keep = KEEP,
) -> Arena:
    """Change the arena's details; the programme and the reveal setting only until it goes live.
    A change made while live is written to the ledger."""
    given: dict[str, object] = {
        "programme": programme,
        "title": title,
        "venue": venue,
        "starts_at": starts_at,
        "presentation_seconds": presentation_seconds,
        "warning_seconds": warning_seconds,
        "reveal_marks": reveal_marks,
        "registration_open": registration_open,
    }
    return _update(arena, by, {name: value for name, value in given.items() if value is not KEEP})


def update_rubric(
    *,
    arena: Arena,
    by: Any,
    rubric: list[dict[str, Any]] | Keep = KEEP,
    rule: dict[str, Any] | Keep = KEEP,
) -> Arena:
    """Change the rubric or the aggregation rule, until the arena goes live."""
    given: dict[str, object] = {"rubric": rubric, "rule": rule}
    return _update(arena, by, {name: value for name, value in given.items() if value is not KEEP})


@transaction.atomic
def _update(arena: Arena, by: Any, fields: dict[str, Any]) -> Arena:
    arena = lock_arena(arena.pk)
    if {"rubric", "rule"} & set(fields):
        _editable(arena)
        rules_from_json(fields.get("rubric", arena.rubric), fields.get("rule", arena.rule))
    changed = {
        name: _ledger_value(value)
        for name, value in fields.items()
        if _ledger_value(getattr(arena, name)) != _ledger_value(value)
    }
    if arena.is_frozen and set(changed) & set(DETAILS_FROZEN_WHEN_LIVE):
        raise ArenaRefusal(
            "frozen",
            _(
                "The arena is live: its programme and whether judges' marks are shown stay as "
                "they were when it went live, the same for every presenter."
            ),
        )
    for name, value in fields.items():
        setattr(arena, name, value)
    arena.save()
    if arena.is_frozen and changed:
        # The `frozen` entry holds the details as they were at go-live; without this entry a
        # later change (more presentation time) would be on no record.
        record(arena, "details_changed", changed, actor_label(by))
    touch(arena)
    return arena


def _ledger_value(value: Any) -> Any:
    """A detail as the ledger writes it: a related row by its key, a moment in ISO form."""
    if isinstance(value, Programme):
        return value.pk
    if isinstance(value, dt.datetime):
        # In UTC: the form's moment is in the hall's zone, the stored one in UTC.
        return value.astimezone(dt.UTC).isoformat()
    return value


def automatic_recusal_reason(judge: Judge, unit: Unit, host: Unit) -> str | None:
    """Why a judge affiliated with `judge.affiliation` may not score `unit`, or None.

    Recused when the judge's unit is the participant's unit, below it, or above it but strictly
    below the host (the host itself, and units above it, judge everyone below them).
    """
    affiliation = judge.affiliation
    if affiliation is None:
        return None
    if affiliation.pk == unit.pk:
        return _("affiliated with the participant’s unit")
    if affiliation.path.startswith(unit.path):
        return _("affiliated with a unit below the participant")
    if (
        unit.path.startswith(affiliation.path)
        and affiliation.path != host.path
        and affiliation.path.startswith(host.path)
    ):
        return _("affiliated with a unit above the participant, below the host")
    return None


def _apply_automatic_recusals(
    arena: Arena, judges: list[Judge], participants: list[Participant], actor: str
) -> None:
    existing = {(r.judge_id, r.participant_id) for r in Recusal.objects.filter(judge__arena=arena)}
    for judge in judges:
        for participant in participants:
            if (judge.pk, participant.pk) in existing:
                continue
            reason = automatic_recusal_reason(judge, participant.unit, arena.host)
            if reason is None:
                continue
            Recusal.objects.create(
                judge=judge, participant=participant, source=RecusalSource.AUTOMATIC, reason=reason
            )
            record(
                arena,
                "recusal",
                {
                    "judge": judge.code,
                    "participant": participant.unit.code,
                    "source": RecusalSource.AUTOMATIC,
                    "reason": reason,
                    "active": True,
                },
                actor,
            )


@transaction.atomic
def add_participant(
    *,
    arena: Arena,
    unit: Unit,
    presenter: str,
    by: Any,
    presenter_role: str = "",
    no_notes: bool = False,
    attachment: Any = None,
) -> Participant:
    arena = lock_arena(arena.pk)
    if arena.state != ArenaState.SETUP or arena.draw_state != DrawState.NONE:
        raise ArenaRefusal("list_frozen", _("The list of participants is frozen for the draw."))
    if not unit.path.startswith(arena.host.path) or unit.pk == arena.host.pk:
        raise ArenaRefusal("outside_host", _("Only units below the host unit may take part."))
    if Participant.objects.filter(arena=arena, unit=unit).exists():
        raise ArenaRefusal("already_registered", _("This unit is already registered."))
    participant = Participant.objects.create(
        arena=arena,
        unit=unit,
        presenter=presenter.strip(),
        presenter_role=presenter_role.strip(),
        no_notes=no_notes,
        registered_by=by,
        **({"attachment": attachment} if attachment else {}),
    )
    actor = actor_label(by)
    record(
        arena,
        "participant_added",
        {
            "participant": unit.code,
            "name": unit.name,
            "presenter": participant.presenter,
            "presenter_role": participant.presenter_role,
            "no_notes": no_notes,
        },
        actor,
    )
    _apply_automatic_recusals(
        arena, list(arena.judges.select_related("affiliation")), [participant], actor
    )
    touch(arena)
    return participant


@transaction.atomic
def withdraw_participant(*, participant: Participant, by: Any) -> Participant:
    """A withdrawal keeps everyone else's place in the order."""
    arena = lock_arena(participant.arena_id)
    moved = Participant.objects.filter(
        pk=participant.pk,
        status__in=[ParticipantStatus.REGISTERED, ParticipantStatus.WAITING],
    ).update(status=ParticipantStatus.WITHDRAWN)
    if not moved:
        raise ArenaRefusal(
            "cannot_withdraw", _("Only a participant who has not yet presented can withdraw.")
        )
    record(arena, "withdrawal", {"participant": participant.unit.code}, actor_label(by))
    if arena.state == ArenaState.SETUP and arena.draw_state == DrawState.NONE:
        # Before the draw the entry leaves no trace in the list (it may register again);
        # the ledger keeps both the registration and the withdrawal.
        participant.delete()
    touch(arena)
    return participant


SHORT_NAME_LENGTH = 32


@transaction.atomic
def set_short_name(*, participant: Participant, short_name: str, by: Any) -> Participant:
    """The name the screens show for the unit (empty: derived from its name, see names.py).

    Display only, so the host may set it until the arena closes, after the draw too."""
    short_name = short_name.strip()
    if len(short_name) > SHORT_NAME_LENGTH:
        raise ArenaRefusal(
            "short_name_too_long",
            _("The short name %(name)s is longer than %(n)s characters.")
            % {"name": short_name, "n": SHORT_NAME_LENGTH},
        )
    arena = lock_arena(participant.arena_id)
    Participant.objects.filter(pk=participant.pk).update(short_name=short_name)
    record(
        arena,
        "participant_short_name",
        {"participant": participant.unit.code, "short_name": short_name},
        actor_label(by),
    )
    touch(arena)
    participant.short_name = short_name
    return participant


def _next_judge_code(arena: Arena) -> str:
    numbers = [
        int(code[1:]) for code in arena.judges.values_list("code", flat=True) if code[1:].isdigit()
    ]
    return f"J{max(numbers, default=0) + 1}"


@transaction.atomic
def add_judge(
    *,
    arena: Arena,
    name: str,
    by: Any,
    affiliation: Unit | None = None,
    external_affiliation: str = "",
    is_head: bool = False,
) -> tuple[Judge, str]:
    """A judge and their personal link's token (shown once; only its hash is kept)."""
    arena = lock_arena(arena.pk)
    if is_head:
        arena.judges.filter(is_head=True).update(is_head=False)
    judge = Judge.objects.create(
        arena=arena,
        name=name.strip(),
        affiliation=affiliation,
        external_affiliation=external_affiliation.strip(),
        is_head=is_head,
        code=_next_judge_code(arena),
    )
    token = issue_token(judge)
    judge.save(update_fields=["token_version", "token_revoked"])
    actor = actor_label(by)
    record(
        arena,
        "judge_added",
        {
            "judge": judge.code,
            "name": judge.name,
            "head": is_head,
            "affiliation": affiliation.code if affiliation else judge.external_affiliation,
        },
        actor,
    )
    participants = list(
        arena.participants.select_related("unit").exclude(status=ParticipantStatus.WITHDRAWN)
    )
    _apply_automatic_recusals(arena, [judge], participants, actor)
    touch(arena, judges=True)
    return judge, token


@transaction.atomic
def set_head_judge(*, judge: Judge, by: Any) -> None:
    arena = lock_arena(judge.arena_id)
    arena.judges.filter(is_head=True).exclude(pk=judge.pk).update(is_head=False)
    Judge.objects.filter(pk=judge.pk).update(is_head=True)
    record(arena, "head_judge", {"judge": judge.code}, actor_label(by))
    touch(arena, judges=True)


@transaction.atomic
def reissue_link(*, judge: Judge, by: Any) -> str:
    arena = lock_arena(judge.arena_id)
    judge = Judge.objects.select_for_update().get(pk=judge.pk)
    sign_out_phone(token_for(judge), LinkRefusal.REISSUED)
    token = issue_token(judge)
    judge.save(update_fields=["token_version", "token_revoked"])
    record(
        arena,
        "judge_link_reissued",
        {"judge": judge.code, "version": judge.token_version},
        actor_label(by),
    )
    touch(arena, judges=True)
    return token


@transaction.atomic
def revoke_link(*, judge: Judge, by: Any) -> None:
    arena = lock_arena(judge.arena_id)
    judge = Judge.objects.select_for_update().get(pk=judge.pk)
    sign_out_phone(token_for(judge), LinkRefusal.REVOKED)
    Judge.objects.filter(pk=judge.pk).update(token_revoked=True)
    record(arena, "judge_link_revoked", {"judge": judge.code}, actor_label(by))
    touch(arena, judges=True)


@transaction.atomic
def set_recusal(
    *, judge: Judge, participant: Participant, active: bool, reason: str, source: str, by: Any
) -> Recusal:
    """Add (or lift) a recusal, with its reason; every change goes into the ledger.

    The judge and the participant are of one arena: the command table resolves both in the arena
    of the request (leitai.arenas.commands, the single point where ids are checked), and the
    services that call this (a declaration, its acceptance) take the participant in the judge's
    arena."""
    arena = lock_arena(judge.arena_id)
    if not reason.strip():
        raise ArenaRefusal("reason_required", _("Give a reason."))
    recusal = Recusal.objects.filter(judge=judge, participant=participant).first()
    if recusal is None:
        recusal = Recusal.objects.create(
            judge=judge,
            participant=participant,
            source=source,
            reason=reason.strip(),
            active=active,
        )
    elif active:
        recusal.active, recusal.reason, recusal.source = True, reason.strip(), source
        recusal.lifted_reason = ""
        recusal.save()
    else:
        recusal.active, recusal.lifted_reason = False, reason.strip()
        recusal.save()
    record(
        arena,
        "recusal",
        {
            "judge": judge.code,
            "participant": participant.unit.code,
            "source": source,
            "reason": reason.strip(),
            "active": active,
        },
        actor_label(by) if by is not None else f"judge:{judge.code}",
    )
    touch(arena)
    return recusal


@transaction.atomic
def set_absence(
    *, judge: Judge, participant: Participant, active: bool, reason: str, by: Any
) -> Absence:
    """Record a judge absent for one participant (the console does, closing its scoring without
    their sheet), or lift the absence (the host, from the set-up page), with the reason; every
    change goes into the ledger as a `judge_absence` entry. An absence is no conflict of interest:
    it is kept apart from recusals, and a recusal and an absence of the same judge stand apart."""
    arena = lock_arena(judge.arena_id)
    reason = reason.strip()
    if not reason:
        raise ArenaRefusal("reason_required", _("Give a reason."))
    if active and Sheet.objects.filter(judge=judge, participant=participant, active=True).exists():
        raise ArenaRefusal(
            "sheet_in_force",
            _("This judge's sheet for this participant is in: they cannot be recorded absent."),
        )
    absence = Absence.objects.filter(judge=judge, participant=participant).first()
    if absence is None and not active:
        raise ArenaRefusal(
            "not_absent", _("This judge is not recorded absent for this participant.")
        )
    if absence is None:
        absence = Absence.objects.create(judge=judge, participant=participant, reason=reason)
    elif active:
        absence.active, absence.reason, absence.lifted_reason = True, reason, ""
        absence.save()
    else:
        absence.active, absence.lifted_reason = False, reason
        absence.save()
    record(
        arena,
        "judge_absence",
        {
            "judge": judge.code,
            "participant": participant.unit.code,
            "reason": reason,
            "active": active,
        },
        actor_label(by),
    )
    touch(arena)
    return absence


@transaction.atomic
def set_judge_presence(*, judge: Judge, joins_at: int, leaves_after: int | None, by: Any) -> None:
    """A judge who arrives late or leaves early: absent before `joins_at` / after `leaves_after`."""
    arena = lock_arena(judge.arena_id)
    if joins_at < 1 or (leaves_after is not None and leaves_after < joins_at - 1):
        raise ArenaRefusal("bad_presence", _("The judge would be present for nobody."))
    Judge.objects.filter(pk=judge.pk).update(joins_at=joins_at, leaves_after=leaves_after)
    record(
        arena,
        "judge_presence",
        {"judge": judge.code, "joins_at": joins_at, "leaves_after": leaves_after},
        actor_label(by),
    )
    touch(arena, judges=True)


def next_position(arena: Arena) -> int:
    return int(arena.participants.aggregate(m=Max("position"))["m"] or 0) + 1
