"""The arena's commands: every write a host or a judge asks for over HTTP, in one table.

Each command names the service it runs, the inputs it passes on, the ids among them and what
each names in the arena, and the places it is asked from (the console's API, the set-up page,
the judge's phone). The API and the host's set-up page dispatch through `run_command`, so every
id in a request is resolved here, against the arena the request is for, before any service
runs: an unknown id or one of another arena answers 404 (`NotInArena`) and nothing is written.

Whether the arena may still change at all is decided by the services themselves: each starts
with `lock_arena`, which refuses every write to a closed arena under the arena's lock.

The judge's sheet submission (POST /api/judge/sheets) is here too: a participant of another
arena answers 404 like any other id, and the phone's outbox takes that, as any refusal, as
final and stops resending.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from leitai.arenas.errors import ArenaRefusal
from leitai.arenas.forms import ArenaForm
from leitai.arenas.models import Arena, Judge, Participant, RecusalSource
from leitai.arenas.services import console, declarations, draw, setup, sheets
from leitai.arenas.services.common import participant_in, unknown_judge, unknown_participant


class Ref(StrEnum):
    """What an id in a request names, and so how it is looked up in the arena."""

    PARTICIPANT = "participant"  # a participant's primary key
    JUDGE = "judge"  # a judge's code in the arena ("J3")


class Surface(StrEnum):
    """Where a command is asked from."""

    CONSOLE = "console"  # POST /api/arenas/<id>/actions/<name>
    API = "api"  # its own route under /api/arenas/<id>/ (paper sheets, reopening)
    SETUP = "setup"  # the host's set-up page, POST /arenas/<id>/ with action=<name>
    PHONE = "phone"  # the judge's phone, /api/judge/… (the arena is the judge's)


@dataclass(frozen=True)
class Call:
    """One command's request, its ids resolved within `arena`."""

    arena: Arena
    by: Any  # the user who runs the arena; None for a judge's phone
    judge: Judge | None  # the judge named in the request, or the phone's own judge
    participant: Participant | None
    data: Mapping[str, Any]  # the command's other inputs, nothing else

    def text(self, name: str) -> str:
        return str(self.data.get(name) or "")


@dataclass(frozen=True)
class Command:
    run: Callable[[Call], Any]
    surfaces: frozenset[Surface]
    ids: Mapping[str, Ref] = field(default_factory=dict)  # request field → what it names
    inputs: tuple[str, ...] = ()


def _on(*surfaces: Surface) -> frozenset[Surface]:
    return frozenset(surfaces)


def _participant_id(call: Call) -> int:
    assert call.participant is not None  # resolved: the command's ids name it
    return call.participant.pk


def _judge(call: Call) -> Judge:
    assert call.judge is not None
    return call.judge


def _participant(call: Call) -> Participant:
    assert call.participant is not None
    return call.participant


def _timer(action: str) -> Command:
    return Command(
        lambda c: console.timer(arena=c.arena, action=action, by=c.by), _on(Surface.CONSOLE)
    )


PARTICIPANT = {"participant": Ref.PARTICIPANT}
JUDGE = {"judge": Ref.JUDGE}
JUDGE_AND_PARTICIPANT = {"judge": Ref.JUDGE, "participant": Ref.PARTICIPANT}


def _decide(*, accept: bool) -> Command:
    return Command(
        lambda c: declarations.decide_declaration(
            judge=_judge(c), participant=_participant(c), accept=accept, by=c.by
        ),
        _on(Surface.SETUP),
        JUDGE_AND_PARTICIPANT,
    )


DRAW = _on(Surface.CONSOLE, Surface.SETUP)

COMMANDS: dict[str, Command] = {
    # -- set-up: details, rubric, participants, panel, recusals
    "details": Command(
        lambda c: setup.update_details(arena=c.arena, by=c.by, **c.data),
        _on(Surface.SETUP),
        inputs=tuple(ArenaForm.Meta.fields),
    ),
    "rubric": Command(
        lambda c: setup.update_rubric(
            arena=c.arena, by=c.by, rubric=c.data["rubric"], rule=c.data["rule"]
        ),
        _on(Surface.SETUP),
        inputs=("rubric", "rule"),
    ),
    "participant": Command(
        lambda c: setup.add_participant(arena=c.arena, by=c.by, **c.data),
        _on(Surface.SETUP),
        inputs=("unit", "presenter", "presenter_role", "no_notes", "attachment"),
    ),
    "withdraw": Command(
        lambda c: setup.withdraw_participant(participant=_participant(c), by=c.by),
        _on(Surface.SETUP),
        PARTICIPANT,
    ),
    "short_name": Command(
        lambda c: setup.set_short_name(
            participant=_participant(c), short_name=c.text("short_name"), by=c.by
        ),
        _on(Surface.SETUP),
        PARTICIPANT,
        inputs=("short_name",),
    ),
    "judge": Command(
        lambda c: setup.add_judge(arena=c.arena, by=c.by, **c.data),
        _on(Surface.SETUP),
        inputs=("name", "affiliation", "external_affiliation", "is_head"),
    ),
    "head": Command(
        lambda c: setup.set_head_judge(judge=_judge(c), by=c.by), _on(Surface.SETUP), JUDGE
    ),
    "reissue": Command(
        lambda c: setup.reissue_link(judge=_judge(c), by=c.by), _on(Surface.SETUP), JUDGE
    ),
    "revoke": Command(
        lambda c: setup.revoke_link(judge=_judge(c), by=c.by), _on(Surface.SETUP), JUDGE
    ),
    "presence": Command(
        lambda c: setup.set_judge_presence(judge=_judge(c), by=c.by, **c.data),
        _on(Surface.SETUP),
        JUDGE,
        inputs=("joins_at", "leaves_after"),
    ),
    "recusal": Command(
        lambda c: setup.set_recusal(
            judge=_judge(c),
            participant=_participant(c),
            source=RecusalSource.HOST,
            active=bool(c.data["active"]),
            reason=c.text("reason"),
            by=c.by,
        ),
        _on(Surface.SETUP),
        JUDGE_AND_PARTICIPANT,
        inputs=("active", "reason"),
    ),
    "lift_absence": Command(
        lambda c: setup.set_absence(
            judge=_judge(c),
            participant=_participant(c),
            active=False,
            reason=c.text("reason"),
            by=c.by,
        ),
        _on(Surface.SETUP),
        JUDGE_AND_PARTICIPANT,
        inputs=("reason",),
    ),
    "accept_declaration": _decide(accept=True),
    "decline_declaration": _decide(accept=False),
    # -- the draw and going live (the set-up page and the console both offer them)
    "freeze": Command(lambda c: draw.freeze_list(arena=c.arena, by=c.by), DRAW),
    "draw": Command(
        lambda c: draw.draw(arena=c.arena, public=c.text("public"), by=c.by),
        DRAW,
        inputs=("public",),
    ),
    "reveal": Command(lambda c: draw.reveal_seed(arena=c.arena, by=c.by), DRAW),
    "go_live": Command(lambda c: console.go_live(arena=c.arena, by=c.by), DRAW),
    # -- the live day
    "next": Command(
        lambda c: console.call_next(
            arena=c.arena, expected_current=c.data.get("expected_current"), by=c.by
        ),
        _on(Surface.CONSOLE),
        inputs=("expected_current",),
    ),
    "open": Command(
        lambda c: console.open_scoring(arena=c.arena, participant_id=_participant_id(c), by=c.by),
        _on(Surface.CONSOLE),
        PARTICIPANT,
    ),
    "close": Command(
        lambda c: console.close_scoring(
            arena=c.arena, participant_id=_participant_id(c), by=c.by, reason=c.text("reason")
        ),
        _on(Surface.CONSOLE),
        PARTICIPANT,
        inputs=("reason",),
    ),
    "absent": Command(
        lambda c: console.mark_absent(arena=c.arena, participant_id=_participant_id(c), by=c.by),
        _on(Surface.CONSOLE),
        PARTICIPANT,
    ),
    "show": Command(
        lambda c: console.show_result(arena=c.arena, participant_id=_participant_id(c), by=c.by),
        _on(Surface.CONSOLE),
        PARTICIPANT,
    ),
    "confirm": Command(
        lambda c: sheets.confirm_result(
            participant_id=_participant_id(c), judge=None, by=c.by, arena=c.arena
        ),
        _on(Surface.CONSOLE),
        PARTICIPANT,
    ),
    "timer_start": _timer("start"),
    "timer_pause": _timer("pause"),
    "timer_reset": _timer("reset"),
    "close_arena": Command(
        lambda c: console.close_arena(arena=c.arena, by=c.by), _on(Surface.CONSOLE)
    ),
    "paper_sheet": Command(
        lambda c: sheets.enter_paper_sheet(
            judge=_judge(c),
            participant_id=_participant_id(c),
            marks=c.data["marks"],
            key=c.text("key"),
            by=c.by,
        ),
        _on(Surface.API),
        JUDGE_AND_PARTICIPANT,
        inputs=("marks", "key"),
    ),
    "reopen": Command(
        lambda c: sheets.reopen_sheet(
            judge=_judge(c), participant_id=_participant_id(c), reason=c.text("reason"), by=c.by
        ),
        _on(Surface.API),
        JUDGE_AND_PARTICIPANT,
        inputs=("reason",),
    ),
    # -- the judge's phone: the judge is the one its link signs in
    "sheet": Command(
        lambda c: sheets.submit_sheet(
            judge=_judge(c),
            participant_id=_participant_id(c),
            marks=c.data["marks"],
            key=c.text("key"),
        ),
        _on(Surface.PHONE),
        PARTICIPANT,
        inputs=("marks", "key"),
    ),
    "judge_confirm": Command(
        lambda c: sheets.confirm_result(participant_id=_participant_id(c), judge=c.judge),
        _on(Surface.PHONE),
        PARTICIPANT,
    ),
    "declare": Command(
        lambda c: declarations.declare_conflict(
            judge=_judge(c), participant_id=_participant_id(c), reason=c.text("reason")
        ),
        _on(Surface.PHONE),
        PARTICIPANT,
        inputs=("reason",),
    ),
}


def names_on(surface: Surface) -> list[str]:
    return [name for name, command in COMMANDS.items() if surface in command.surfaces]


def run_command(
    name: str,
    surface: Surface,
    *,
    arena: Arena,
    data: Mapping[str, Any],
    by: Any = None,
    signed_in: Judge | None = None,
) -> Any:
    """Resolve the request's ids within `arena`, then run the command's service."""
    command = COMMANDS.get(name)
    if command is None or surface not in command.surfaces:
        raise ArenaRefusal("unknown_action", _("Unknown action."))
    found = {ref: _resolve(arena, ref, data.get(key)) for key, ref in command.ids.items()}
    call = Call(
        arena=arena,
        by=by,
        judge=signed_in or _as_judge(found.get(Ref.JUDGE)),
        participant=_as_participant(found.get(Ref.PARTICIPANT)),
        data={key: data[key] for key in command.inputs if key in data},
    )
    return command.run(call)


def _resolve(arena: Arena, ref: Ref, value: Any) -> Judge | Participant:
    if value is None or value == "":
        raise ArenaRefusal(
            f"{ref}_required",
            _("This action needs a participant.")
            if ref == Ref.PARTICIPANT
            else _("This action needs a judge."),
        )
    if ref == Ref.JUDGE:
        judge = arena.judges.filter(code=str(value)).first()
        if judge is None:
            raise unknown_judge()
        return judge
    try:
        participant_id = int(value)
    except (TypeError, ValueError):
        raise unknown_participant() from None
    return participant_in(arena, participant_id)


def _as_judge(found: Judge | Participant | None) -> Judge | None:
    return found if isinstance(found, Judge) else None


def _as_participant(found: Judge | Participant | None) -> Participant | None:
    return found if isinstance(found, Participant) else None
