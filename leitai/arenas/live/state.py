"""What each live view of an arena receives: the big screen and public phones, the host's
console, each judge's phone. Built from the database in a constant number of queries.

The rule that matters: until a result is confirmed and shown, nothing sent to the screen, the
public or other judges carries a mark. Marks reach the screen only for participants whose result
was shown (and only when the arena reveals marks then); a judge's state carries only that judge's
own marks, except the head judge's pending result, which is the result they are asked to confirm.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import Value
from django.utils import timezone

from leitai.arenas.models import (
    Absence,
    Arena,
    ConflictDeclaration,
    DeclarationState,
    DrawState,
    Judge,
    Participant,
    ParticipantStatus,
    Recusal,
    Reopening,
    Sheet,
    TimerState,
)
from leitai.arenas.names import display_names
from leitai.arenas.panel import (
    PanelStatus,
    compute,
    outlying_totals,
    result_json,
    sheet_values,
    status_of,
)
from leitai.programs.rubrics import criterion_description, criterion_label
from leitai.scoring.exact import plain
from leitai.scoring.membership import Seat, seat_of

SCORED_STATES = {ParticipantStatus.CONFIRMED, ParticipantStatus.SHOWN}


class Excluded(NamedTuple):
    """An active recusal or absence, as the views read it (only the columns they need)."""

    judge_id: int
    participant_id: int
    reason: str
    kind: str  # "recusal" | "absence"


def read_excluded(arena_id: int) -> list[Excluded]:
    """The arena's active recusals and absences in one query (UNION ALL)."""
    columns = ("judge_id", "participant_id", "reason", "kind")
    recusals = (
        Recusal.objects.filter(judge__arena_id=arena_id, active=True)
        .annotate(kind=Value("recusal"))
        .values_list(*columns)
    )
    absences = (
        Absence.objects.filter(judge__arena_id=arena_id, active=True)
        .annotate(kind=Value("absence"))
        .values_list(*columns)
    )
    return [Excluded(*row) for row in recusals.union(absences, all=True)]


# The judges each arena's views last read, under the arena's judges_key: scoring does not change
# the judges, and every service that does gives the arena a new key (services.common.touch). Per
# process; a few hundred bytes an arena.
_judges: dict[int, tuple[uuid.UUID, tuple[Judge, ...]]] = {}
JUDGES_KEPT = 5000


def judges_of(arena: Arena) -> list[Judge]:
    """The arena's judges by code, read once per judges_key in this process."""
    kept = _judges.get(arena.pk)
    if kept is not None and kept[0] == arena.judges_key:
        return list(kept[1])
    judges = tuple(Judge.objects.filter(arena_id=arena.pk).order_by("code"))
    if len(_judges) >= JUDGES_KEPT:
        _judges.clear()
    _judges[arena.pk] = (arena.judges_key, judges)
    return list(judges)


def _ms(moment: Any) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def timer_state(arena: Arena) -> dict[str, Any]:
    """Enough for every screen to show the same countdown, corrected by its clock offset."""
    return {
        "state": arena.timer_state,
        "started_at": _ms(arena.timer_started_at)
        if arena.timer_state == TimerState.RUNNING
        else None,
        "elapsed_ms": arena.timer_elapsed_ms,
        "duration_ms": arena.presentation_seconds * 1000,
        "warning_ms": arena.warning_seconds * 1000,
    }


def _participant(p: Participant, name: str) -> dict[str, Any]:
    return {
        "id": p.pk,
        "position": p.position,
        "unit": p.unit.name,
        "name": name,
        "code": p.unit.code,
        "presenter": p.presenter,
        "presenter_role": p.presenter_role,
        "no_notes": p.no_notes,
        "status": p.status,
    }


class ArenaSnapshot:
    """One read of an arena and everything its views need (a fixed number of queries)."""

    def __init__(self, arena_id: int) -> None:
        self.arena = Arena.objects.select_related("programme", "host").get(pk=arena_id)
        self.judges = judges_of(self.arena)
        self.participants = list(
            Participant.objects.filter(arena_id=arena_id)
            .select_related("unit")
            .order_by("position", "unit__code")
        )
        # Unordered: Sheet's default order joins the judge and, through the participant's, the
        # unit; the views index the sheets, and a judge's list follows self.participants.
        self.sheets = list(
            Sheet.objects.filter(participant__arena_id=arena_id, active=True).order_by()
        )
        excluded = read_excluded(arena_id)
        self.recusals = [e for e in excluded if e.kind == "recusal"]
        self.absences = [e for e in excluded if e.kind == "absence"]
        self.by_id = {p.pk: p for p in self.participants}
        # What the views call each unit ("name"; "unit" stays the full name): relative to the host.
        self.names = dict(
            zip(
                self.by_id,
                display_names(
                    self.arena.host.name,
                    [p.unit.name for p in self.participants],
                    [p.short_name for p in self.participants],
                ),
                strict=True,
            )
        )
        self.current = self.by_id.get(self.arena.current_id) if self.arena.current_id else None
        # Indexes, so that a 25-participant, 9-judge arena costs lookups, not nested scans.
        self._sheet = {(s.judge_id, s.participant_id): s for s in self.sheets}
        self._recusal = {(r.judge_id, r.participant_id): r for r in self.recusals}
        self._absence = {(a.judge_id, a.participant_id): a for a in self.absences}
        self._common: dict[str, Any] | None = None
        self._pending: dict[str, Any] | None = None

    @cached_property
    def marks(self) -> dict[int, dict[str, Decimal]]:
        """The active sheets' marks (judges' views only: the screen and console show none)."""
        return sheet_values(self.sheets)

    @cached_property
    def reopenings(self) -> list[Reopening]:
        """Sheets the host reopened and the judge has not yet corrected (judges' views only)."""
        return list(Reopening.objects.filter(judge__arena_id=self.arena.pk, used=False))

    @cached_property
    def pending_declarations(self) -> set[tuple[int, int]]:
        """(judge, participant) of conflicts declared after the sheet, waiting for the host."""
        pending = ConflictDeclaration.objects.filter(
            judge__arena_id=self.arena.pk, state=DeclarationState.PENDING
        ).values_list("judge_id", "participant_id")
        return set(pending)

    def read_for_judges(self) -> None:
        """Read now what the judges' views read lazily, so that they can be built later (on
        another thread, after the commit) from this snapshot alone."""
        for name in ("marks", "reopenings", "pending_declarations"):
            getattr(self, name)

    def sheet_of(self, judge: Judge, participant: Participant) -> Sheet | None:
        return self._sheet.get((judge.pk, participant.pk))

    def judge_status(self, judge: Judge, participant: Participant) -> str:
        """submitted | waiting | recused | absent — never what was marked. A judge recorded
        absent and one not present for the position (arrived late, left early) both read absent."""
        pair = (judge.pk, participant.pk)
        seated = seat_of(
            judge,
            participant.position,
            recused=pair in self._recusal,
            absent=pair in self._absence,
        )
        if seated is Seat.RECUSED:
            return "recused"
        if seated is not Seat.EXPECTED:
            return "absent"
        return "submitted" if pair in self._sheet else "waiting"

    def excluded_reason(self, judge: Judge, participant: Participant) -> str:
        """Why the judge does not score the participant, as recorded: the recusal's reason, else
        the absence's (the host's reason for closing without the sheet); "" for neither."""
        pair = (judge.pk, participant.pk)
        excluded = self._recusal.get(pair) or self._absence.get(pair)
        return excluded.reason if excluded is not None else ""

    def reveals_marks(self, participant: Participant) -> bool:
        if participant.status != ParticipantStatus.SHOWN or not participant.result:
            return False
        return self.arena.marks_are_public()

    def shown_result(self, participant: Participant) -> dict[str, Any] | None:
        if participant.status != ParticipantStatus.SHOWN or not participant.result:
            return None
        result = participant.result
        shown: dict[str, Any] = {
            "score": result["score"],
            "rank": participant.rank,
            "tied": participant.tied,
            "judges": result["judges"],
            "note": result["note"],
        }
        if self.reveals_marks(participant):
            dropped = {d["judge"] for d in result["dropped"] if d["criterion"] is None}
            shown["marks"] = [
                {"judge": code, "total": total, "dropped": code in dropped}
                for code, total in result["totals"].items()
            ]
            shown["dropped_criteria"] = [d for d in result["dropped"] if d["criterion"]]
        return shown

    def ranking(self) -> list[dict[str, Any]]:
        shown = [
            p
            for p in self.participants
            if p.status == ParticipantStatus.SHOWN and p.rank is not None
        ]
        shown.sort(key=lambda p: (p.rank, p.unit.code))
        return [
            {
                "rank": p.rank,
                "tied": p.tied,
                "unit": p.unit.name,
                "name": self.names[p.pk],
                "presenter": p.presenter,
                "score": p.result["score"] if p.result else None,
                "id": p.pk,
            }
            for p in shown
        ]

    def common(self) -> dict[str, Any]:
        """The part every view shares (a fresh copy: views add their own keys)."""
        if self._common is None:
            self._common = self._build_common()
        return dict(self._common)

    def _build_common(self) -> dict[str, Any]:
        arena = self.arena
        return {
            "version": arena.version,
            "server_ms": now_ms(),
            "arena": {
                "id": arena.pk,
                "title": arena.title,
                "programme": arena.programme.name,
                "host": arena.host.name,
                "venue": arena.venue,
                "state": arena.state,
                "draw_state": arena.draw_state,
            },
            "timer": timer_state(arena),
            "order": [
                {
                    "id": p.pk,
                    "position": p.position,
                    "unit": p.unit.name,
                    "name": self.names[p.pk],
                    "presenter": p.presenter,
                    "status": p.status,
                }
                for p in self.participants
                if p.position is not None
            ],
            "ranking": self.ranking(),
        }

    # -- the big screen and public phones --------------------------------------------------

    def draw_steps(self) -> dict[str, Any]:
        """The draw's public steps as the hall sees them; the seed only once it is revealed."""
        arena = self.arena
        by_code = {p.unit.code: p for p in self.participants}
        return {
            "state": arena.draw_state,
            "list": [
                {
                    "code": code,
                    "name": self.names[by_code[code].pk] if code in by_code else "",
                }
                for code in (arena.draw_list or [])
            ],
            "commitment": arena.draw_commitment,
            "public": arena.draw_public,
            "seed": arena.draw_seed if arena.draw_state == DrawState.REVEALED else "",
        }

    def screen(self) -> dict[str, Any]:
        state = self.common()
        state["draw"] = self.draw_steps()
        current = self.current
        state["current"] = None
        if current is not None:
            state["current"] = {
                **_participant(current, self.names[current.pk]),
                "judges": [
                    {"code": j.code, "name": j.name, "status": self.judge_status(j, current)}
                    for j in self.judges
                ],
                "result": self.shown_result(current),
            }
        state["spotlight"] = self.spotlight()
        return state

    def spotlight(self) -> dict[str, Any] | None:
        """An earlier result the host showed again after a correction, as the card the screens
        show for a result (leitai/arenas/services/console.py show_result)."""
        shown = self.by_id.get(self.arena.spotlight_id) if self.arena.spotlight_id else None
        result = self.shown_result(shown) if shown is not None else None
        if shown is None or result is None:
            return None
        return {**_participant(shown, self.names[shown.pk]), "result": result}

    # -- the host's console -----------------------------------------------------------------

    def console(self) -> dict[str, Any]:
        state = self.screen()
        state["participants"] = [
            {
                **_participant(p, self.names[p.pk]),
                "judges": {j.code: self.judge_status(j, p) for j in self.judges},
                "sources": {
                    j.code: s.source for j in self.judges if (s := self.sheet_of(j, p)) is not None
                },
                "score": p.result["score"] if p.result and p.status in SCORED_STATES else None,
            }
            for p in self.participants
        ]
        state["judges"] = [
            {"code": j.code, "name": j.name, "head": j.is_head, "revoked": j.token_revoked}
            for j in self.judges
        ]
        return state

    # -- one judge's phone -----------------------------------------------------------------

    def judge(self, judge: Judge, language: str = "zh-hans") -> dict[str, Any]:
        state = self.common()
        state["ranking"] = []  # judges score without seeing the table
        state["me"] = {"code": judge.code, "name": judge.name, "head": judge.is_head}
        state["rubric"] = [
            {
                "key": c["key"],
                "label": criterion_label(c, language),
                "label_en": criterion_label(c, "en"),
                "maximum": c["maximum"],
                "step": c.get("step", "0.5"),
                "weight": c.get("weight", "1"),
                "description": criterion_description(c, language),
                "description_en": criterion_description(c, "en"),
            }
            for c in self.arena.rubric
        ]
        current = self.current
        state["current"] = None
        if current is not None:
            own = self.sheet_of(judge, current)
            state["current"] = {
                **_participant(current, self.names[current.pk]),
                "my_status": self.judge_status(judge, current),
                "my_reason": self.excluded_reason(judge, current),
                "my_sheet": self._own_sheet(own),
                # A conflict declared after the sheet, waiting for the host: the phone says so,
                # after a reload too.
                "declaration_pending": own is not None
                and (judge.pk, current.pk) in self.pending_declarations,
                "scoring_open": current.status == ParticipantStatus.SCORING,
                "result": self.shown_result(current),
            }
        state["my_sheets"] = [
            {
                "participant": p.unit.name,
                "name": self.names[p.pk],
                "position": p.position,
                **(self._own_sheet(s) or {}),
            }
            for p in self.participants
            if (s := self._sheet.get((judge.pk, p.pk))) is not None
        ]
        state["pending"] = self._pending_for_head() if judge.is_head else None
        state["reopened"] = [
            {
                "participant": r.participant_id,
                "position": self.by_id[r.participant_id].position,
                "unit": self.by_id[r.participant_id].unit.name,
                "name": self.names[r.participant_id],
                "reason": r.reason,
            }
            for r in self.reopenings
            if r.judge_id == judge.pk and r.participant_id in self.by_id
        ]
        return state

    def _own_sheet(self, sheet: Sheet | None) -> dict[str, Any] | None:
        if sheet is None:
            return None
        return {
            "total": plain(sheet.total),
            "marks": {c: plain(v) for c, v in self.marks[sheet.pk].items()},
            "source": sheet.source,
            "submitted_at": _ms(sheet.submitted_at),
        }

    def panel_status(self, participant: Participant) -> PanelStatus:
        """The same as panel.panel_status, from this snapshot's data (no query)."""
        recusals = {
            j.pk: r
            for j in self.judges
            if (r := self._recusal.get((j.pk, participant.pk))) is not None
        }
        absences = {
            j.pk: a
            for j in self.judges
            if (a := self._absence.get((j.pk, participant.pk))) is not None
        }
        sheets = {
            j.pk: s
            for j in self.judges
            if (s := self._sheet.get((j.pk, participant.pk))) is not None
        }
        return status_of(participant, self.judges, recusals, absences, sheets, self.marks)

    @property
    def _maximum_total(self) -> Decimal:
        return self.arena.rules.rubric.maximum_total

    def _pending_for_head(self) -> dict[str, Any] | None:
        """The result the head judge is asked to confirm: every expected sheet is in."""
        if self._pending is None:
            self._pending = {}
            for participant in self.participants:
                if participant.status not in (ParticipantStatus.SCORING, ParticipantStatus.SCORED):
                    continue
                status = self.panel_status(participant)
                if status.all_in:
                    result = result_json(compute(self.arena, status), status)
                    self._pending = {
                        "participant": _participant(participant, self.names[participant.pk]),
                        "result": result,
                        # A total far from the others' is likely a slip: the head judge sees
                        # it before confirming.
                        "outliers": outlying_totals(result["totals"], self._maximum_total),
                    }
                    break
        return self._pending or None
