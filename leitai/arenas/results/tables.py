"""An arena's results as the results page, the exports and the public page show them.

Everything is read in a fixed number of queries, whatever the number of participants and judges,
and nothing is recomputed that the head judge confirmed: the panel score, the dropped marks and
each judge's total come from the stored result (the figures written to the ledger). The ranking
is recomputed from those stored results only to name the tie-break that decided a place.

Only confirmed results carry marks. A participant still being scored shows which judges have
submitted, never what, even to staff: the results page may be projected in the hall.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

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
    Reopening,
    Sheet,
    SheetSource,
)
from leitai.arenas.panel import rank
from leitai.arenas.results.reliability import (
    DASH,
    ReliabilityView,
    _reliability,
)
from leitai.arenas.services.draw import verify_command
from leitai.ledger.chain import arena_chain, head_of
from leitai.ledger.models import LedgerEntry
from leitai.programs.rubrics import criterion_label
from leitai.scoring.codec import Rules
from leitai.scoring.exact import plain
from leitai.scoring.membership import Seat, seat_of
from leitai.scoring.panel import Method, Mode, PanelRule

CONFIRMED_STATES = {ParticipantStatus.CONFIRMED, ParticipantStatus.SHOWN}


class Audience(StrEnum):
    STAFF = "staff"  # the results page and the exports: every confirmed sheet, reliability
    PUBLIC = "public"  # what was shown in the hall; judges' marks only as the arena allows


class Standing(StrEnum):
    RANKED = "ranked"
    IN_PROGRESS = "in_progress"
    NOT_YET = "not_yet"
    ABSENT = "absent"
    WITHDRAWN = "withdrawn"


class CellState(StrEnum):
    SCORED = "scored"  # a counted sheet of a confirmed result
    NOT_COUNTED = "not_counted"  # a sheet the confirmed result did not use
    SUBMITTED = "submitted"  # in, but the result is not confirmed: no marks shown
    WAITING = "waiting"
    RECUSED = "recused"
    ABSENT = "absent"


# -- figures --------------------------------------------------------------------------------


# -- what the pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    maximum: str
    weight: str


@dataclass(frozen=True)
class MarkCell:
    value: str
    dropped: bool


@dataclass(frozen=True)
class Correction:
    reason: str
    previous_total: str | None


@dataclass
class Cell:
    judge: Judge
    state: CellState
    marks: list[MarkCell] = field(default_factory=list)
    total: str | None = None
    total_dropped: bool = False
    drop_side: str | None = None  # "high" | "low" when the judge's total was dropped
    paper: bool = False
    entered_by: str = ""
    correction: Correction | None = None
    reason: str = ""  # why recused or absent

    @property
    def has_marks(self) -> bool:
        return self.state in (CellState.SCORED, CellState.NOT_COUNTED)


@dataclass
class ParticipantResult:
    participant: Participant
    standing: Standing
    score: str | None = None
    rank: int | None = None
    tied: bool = False
    decided_by: str = ""  # the tie-break that separated it from equal scores, translated
    judges: int = 0
    note: str = ""  # why marks were or were not dropped, translated
    dropped: list[str] = field(default_factory=list)  # "J3 (highest)", translated
    cells: list[Cell] = field(default_factory=list)
    public_marks: list[Cell] = field(default_factory=list)  # judges' totals, if revealed

    @property
    def unit(self) -> Any:
        return self.participant.unit

    @property
    def summary(self) -> str:
        """The rule's outcome for this participant in one line: why marks were dropped, which."""
        if not self.dropped:
            return self.note
        return _("%(note)s; dropped: %(dropped)s") % {
            "note": self.note,
            "dropped": pgettext("list separator", ", ").join(self.dropped),
        }

    @property
    def tie_text(self) -> str:
        if self.tied:
            return _("Tie unbroken: a recorded decision is needed")
        if self.decided_by:
            return _("Equal score; placed by %(rule)s") % {"rule": self.decided_by}
        return ""


@dataclass(frozen=True)
class DrawView:
    state: str
    listed: list[str]  # frozen canonical codes, one a line in participants.txt
    commitment: str
    public: str
    seed: str  # empty until revealed
    order: list[tuple[int, str, str]]  # (position, code, unit name)
    command: str


@dataclass
class ArenaResults:
    arena: Arena
    audience: Audience
    final: bool
    criteria: list[Criterion]
    judges: list[Judge]
    participants: list[ParticipantResult]  # in order of presentation
    ranking: list[ParticipantResult]  # ranked first, then the unranked
    reliability: ReliabilityView | None
    reliability_reason: str
    rule_lines: list[str]
    draw: DrawView
    chain: str
    chain_seq: int
    chain_hash: str
    generated_at: datetime
    reveals_marks: bool

    @property
    def ranked(self) -> list[ParticipantResult]:
        return [r for r in self.ranking if r.standing is Standing.RANKED]

    @property
    def unranked(self) -> list[ParticipantResult]:
        return [r for r in self.ranking if r.standing is not Standing.RANKED]

    @property
    def ties(self) -> list[ParticipantResult]:
        return [r for r in self.ranked if r.tied]

    @property
    def head_judge(self) -> Judge | None:
        return next((j for j in self.judges if j.is_head), None)

    @property
    def went_live_at(self) -> datetime | None:
        """When the arena actually started: the ledger entry that froze it at going live. The
        scheduled time is only the plan, and a host may go live well before it."""
        body = (
            LedgerEntry.objects.filter(chain=self.chain, kind="frozen")
            .values_list("body", flat=True)
            .first()
        )
        return datetime.fromisoformat(json.loads(body)["at"]) if body is not None else None

    @property
    def expected(self) -> int:
        """Participants expected to have a result (the absent and withdrawn are not)."""
        return sum(
            1 for r in self.participants if r.standing not in (Standing.ABSENT, Standing.WITHDRAWN)
        )

    @property
    def headline_agreement(self) -> bool:
        """Whether Kendall's W goes in the page's headline: only when it rests on more than half
        the participants expected, or three complete results out of six would read as the
        panel's agreement on the day (the figure stays in the reliability section, with its
        basis)."""
        used = self.reliability.participants_used if self.reliability else 0
        return used > 0 and 2 * used > self.expected


# -- the rule, in words -------------------------------------------------------------------------


def tie_break_label(name: str, criteria: dict[str, Criterion]) -> str:
    if name == "untrimmed_mean":
        return _("the mean of all judges' totals, nothing dropped")
    key = name.partition(":")[2]
    label = criteria[key].label if key in criteria else key
    return _("the panel mark for %(criterion)s") % {"criterion": label}


def rule_lines(rules: Rules, criteria: dict[str, Criterion]) -> list[str]:
    rule = rules.rule
    values = {"trim": rule.trim, "min": rule.min_panel, "decimals": rule.decimals}
    lines = []
    if rule.mode is Mode.CRITERION:
        lines.append(
            _("Each criterion is aggregated over the judges, weighted, and the results added up.")
        )
    else:
        lines.append(
            _("Each judge's total is the weighted sum of their marks; the panel aggregates totals.")
        )
    if rule.method is Method.MEDIAN:
        lines.append(_("The panel takes the median."))
    elif rule.method is Method.MEAN or rule.trim == 0:
        lines.append(_("The panel takes the mean of every judge; nothing is dropped."))
    else:
        lines.append(
            _(
                "With at least %(min)s judges the %(trim)s highest and %(trim)s lowest are "
                "dropped and the rest averaged; with fewer, nothing is dropped."
            )
            % values
        )
    lines.append(_("Rounded once to %(decimals)s decimals, half away from zero.") % values)
    chain = [tie_break_label(tie_break.name, criteria) for tie_break in rules.tie_breaks]
    if chain:
        lines.append(
            _("Equal scores are separated by %(chain)s; a tie that remains is decided on record.")
            % {"chain": _("; then ").join(chain)}
        )
    else:
        lines.append(_("Equal scores share a rank; a tie is decided on record."))
    return lines


def trim_note(outcome: str, judges: int, rule: PanelRule) -> str:
    values = {"judges": judges, "min": rule.min_panel, "trim": rule.trim}
    if outcome == "trimmed":
        return _("%(judges)s judges: the %(trim)s highest and %(trim)s lowest dropped") % values
    if outcome == "too_few_judges":
        return _("fewer than %(min)s judges (%(judges)s): nothing dropped") % values
    if rule.method is Method.MEDIAN:
        return _("%(judges)s judges: median, nothing dropped") % values
    return _("%(judges)s judges: mean, nothing dropped") % values


# -- reading the arena -------------------------------------------------------------------------


@dataclass
class _Rows:
    judges: list[Judge]
    participants: list[Participant]
    sheets: list[Sheet]
    recusals: list[Recusal]
    absences: list[Absence]
    reopenings: list[Reopening]


def _read(arena: Arena, audience: Audience) -> _Rows:
    judges = list(Judge.objects.filter(arena=arena).select_related("affiliation").order_by("code"))
    participants = list(
        Participant.objects.filter(arena=arena)
        .select_related("unit")
        .order_by(F("position").asc(nulls_last=True), "unit__code")
    )
    if audience is Audience.PUBLIC:
        return _Rows(judges, participants, [], [], [], [])
    sheets = list(
        Sheet.objects.filter(participant__arena=arena)
        .select_related("entered_by")
        .prefetch_related("marks")
        .order_by("submitted_at", "pk")
    )
    recusals = list(Recusal.objects.filter(participant__arena=arena, active=True))
    absences = list(Absence.objects.filter(participant__arena=arena, active=True))
    reopenings = list(Reopening.objects.filter(participant__arena=arena).order_by("created_at"))
    return _Rows(judges, participants, sheets, recusals, absences, reopenings)


def _standing(participant: Participant, audience: Audience) -> Standing:
    status = participant.status
    counted = {ParticipantStatus.SHOWN} if audience is Audience.PUBLIC else CONFIRMED_STATES
    if status in counted and participant.result:
        return Standing.RANKED
    if status == ParticipantStatus.ABSENT:
        return Standing.ABSENT
    if status == ParticipantStatus.WITHDRAWN:
        return Standing.WITHDRAWN
    if status in (
        ParticipantStatus.PRESENTING,
        ParticipantStatus.SCORING,
        ParticipantStatus.SCORED,
        ParticipantStatus.CONFIRMED,
    ):
        return Standing.IN_PROGRESS
    return Standing.NOT_YET


def _dropped_text(result: dict[str, Any], criteria: dict[str, Criterion]) -> list[str]:
    texts = []
    for drop in result.get("dropped", []):
        values = {
            "judge": drop["judge"],
            "mark": plain(Decimal(drop["mark"])),
            "side": _("highest") if drop["side"] == "high" else _("lowest"),
        }
        if drop["criterion"]:
            criterion = criteria.get(drop["criterion"])
            values["judge"] += f" {criterion.label if criterion else drop['criterion']}"
        texts.append(_("%(judge)s %(mark)s (%(side)s)") % values)
    return texts


class _Sheets:
    """The arena's sheets, recusals, absences and reopenings indexed by (judge, participant)."""

    def __init__(self, rows: _Rows) -> None:
        self.active: dict[tuple[int, int], Sheet] = {}
        self.superseded: dict[tuple[int, int], list[Sheet]] = {}
        for sheet in rows.sheets:
            key = (sheet.judge_id, sheet.participant_id)
            if sheet.active:
                self.active[key] = sheet
            else:
                self.superseded.setdefault(key, []).append(sheet)
        self.recusals = {(r.judge_id, r.participant_id): r for r in rows.recusals}
        self.absences = {(a.judge_id, a.participant_id): a for a in rows.absences}
        self.reopened: dict[tuple[int, int], Reopening] = {}
        for reopening in rows.reopenings:  # oldest first: the last one wins
            self.reopened[(reopening.judge_id, reopening.participant_id)] = reopening


def _excluded_cell(judge: Judge, participant: Participant, index: _Sheets) -> Cell | None:
    pair = (judge.pk, participant.pk)
    recusal, absence = index.recusals.get(pair), index.absences.get(pair)
    seated = seat_of(
        judge, participant.position, recused=recusal is not None, absent=absence is not None
    )
    if seated is Seat.RECUSED and recusal is not None:
        source = RecusalSource(recusal.source).label
        reason = _("%(source)s: %(reason)s") % {"source": source, "reason": recusal.reason}
        return Cell(judge, CellState.RECUSED, reason=reason)
    if seated is Seat.ABSENT and absence is not None:
        reason = _("did not score: %(reason)s") % {"reason": absence.reason}
        return Cell(judge, CellState.ABSENT, reason=reason)
    if seated is Seat.NOT_PRESENT:
        if participant.position is not None and participant.position < judge.joins_at:
            reason = _("arrived late: scores from position %(n)s on") % {"n": judge.joins_at}
        else:
            reason = _("left early: scored up to position %(n)s") % {"n": judge.leaves_after}
        return Cell(judge, CellState.ABSENT, reason=reason)
    return None


def _sheet_cells(
    participant: Participant,
    judges: list[Judge],
    criteria: list[Criterion],
    index: _Sheets,
) -> list[Cell]:
    result = participant.result if participant.status in CONFIRMED_STATES else None
    counted = set((result or {}).get("totals", {}))
    dropped_totals = {
        d["judge"]: d["side"] for d in (result or {}).get("dropped", []) if d["criterion"] is None
    }
    dropped_marks = {
        (d["judge"], d["criterion"]) for d in (result or {}).get("dropped", []) if d["criterion"]
    }
    cells = []
    for judge in judges:
        key = (judge.pk, participant.pk)
        sheet = index.active.get(key)
        excluded = _excluded_cell(judge, participant, index)
        if sheet is None:
            cells.append(excluded or Cell(judge, CellState.WAITING))
            continue
        if result is None:
            cells.append(Cell(judge, CellState.SUBMITTED, paper=sheet.source == SheetSource.PAPER))
            continue
        values = {m.criterion: m.value for m in sheet.marks.all()}
        previous = index.superseded.get(key)
        reopening = index.reopened.get(key)
        correction = None
        if previous or reopening is not None:
            correction = Correction(
                reason=reopening.reason if reopening is not None else "",
                previous_total=plain(previous[-1].total) if previous else None,
            )
        cells.append(
            Cell(
                judge,
                CellState.SCORED if judge.code in counted else CellState.NOT_COUNTED,
                marks=[
                    MarkCell(
                        plain(values[c.key]) if c.key in values else DASH,
                        (judge.code, c.key) in dropped_marks,
                    )
                    for c in criteria
                ],
                total=plain(sheet.total),
                total_dropped=judge.code in dropped_totals,
                drop_side=dropped_totals.get(judge.code),
                paper=sheet.source == SheetSource.PAPER,
                entered_by=sheet.entered_by.label if sheet.entered_by is not None else "",
                correction=correction,
                reason=excluded.reason if excluded is not None else "",
            )
        )
    return cells


def _public_cells(participant: Participant, judges: list[Judge]) -> list[Cell]:
    result = participant.result or {}
    by_code = {j.code: j for j in judges}
    dropped = {d["judge"]: d["side"] for d in result.get("dropped", []) if d["criterion"] is None}
    return [
        Cell(
            by_code[code],
            CellState.SCORED,
            total=plain(Decimal(total)),
            total_dropped=code in dropped,
            drop_side=dropped.get(code),
        )
        for code, total in sorted(result.get("totals", {}).items())
        if code in by_code
    ]


def _draw(arena: Arena, participants: Iterable[Participant]) -> DrawView:
    names = {p.unit.code: p.unit.name for p in participants}
    revealed = arena.draw_state == DrawState.REVEALED
    return DrawView(
        state=arena.draw_state,
        listed=list(arena.draw_list or []),
        commitment=arena.draw_commitment,
        public=arena.draw_public,
        seed=arena.draw_seed if revealed else "",
        order=[
            (position, code, names.get(code, ""))
            for position, code in enumerate(arena.draw_order or [], start=1)
        ],
        command=verify_command(arena) if revealed else "",
    )


def build_results(arena: Arena, *, audience: Audience = Audience.STAFF) -> ArenaResults:
    """The arena's results for one audience; `arena` should come with its programme and host."""
    rows = _read(arena, audience)
    criteria = [
        Criterion(
            key=str(c["key"]),
            label=criterion_label(c, get_language() or "zh-hans"),
            maximum=str(c.get("maximum", "")),
            weight=str(c.get("weight", "1")),
        )
        for c in arena.rubric
    ]
    by_key = {c.key: c for c in criteria}
    index = _Sheets(rows) if audience is Audience.STAFF else None
    public_marks = audience is Audience.PUBLIC and arena.marks_are_public()

    results: dict[int, ParticipantResult] = {}
    for participant in rows.participants:
        standing = _standing(participant, audience)
        entry = ParticipantResult(participant, standing)
        if standing is Standing.RANKED:
            stored = participant.result or {}
            entry.score = stored.get("score")
            entry.judges = int(stored.get("judges", 0))
            entry.note = trim_note(
                stored.get("note", {}).get("outcome", ""), entry.judges, arena.rules.rule
            )
            entry.dropped = _dropped_text(stored, by_key)
            if public_marks:
                entry.public_marks = _public_cells(participant, rows.judges)
        if index is not None and standing in (Standing.RANKED, Standing.IN_PROGRESS):
            entry.cells = _sheet_cells(participant, rows.judges, criteria, index)
        results[participant.pk] = entry

    ranked_participants = [r.participant for r in results.values() if r.standing is Standing.RANKED]
    ranking: list[ParticipantResult] = []
    for placing in rank(arena, ranked_participants):
        entry = results[int(placing.participant)]
        entry.rank = placing.rank
        entry.tied = placing.tied
        entry.decided_by = tie_break_label(placing.decided_by, by_key) if placing.decided_by else ""
        ranking.append(entry)
    ranking.extend(r for r in results.values() if r.standing is not Standing.RANKED)

    reliability, why_not = (None, "")
    if audience is Audience.STAFF:
        reliability, why_not = _reliability(
            [r for r in results.values() if r.standing is Standing.RANKED], rows.judges
        )
    chain = arena_chain(arena.pk)
    seq, digest = head_of(chain)
    return ArenaResults(
        arena=arena,
        audience=audience,
        final=arena.state == ArenaState.CLOSED,
        criteria=criteria,
        judges=rows.judges,
        participants=list(results.values()),
        ranking=ranking,
        reliability=reliability,
        reliability_reason=why_not,
        rule_lines=rule_lines(arena.rules, by_key),
        draw=_draw(arena, rows.participants),
        chain=chain,
        chain_seq=seq,
        chain_hash=digest,
        generated_at=timezone.now(),
        reveals_marks=public_marks,
    )
