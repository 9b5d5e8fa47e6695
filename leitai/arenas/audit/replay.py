"""Recomputing an arena from its ledger entries alone: no database, no Django settings.

`leitai ledger verify` runs this on the entries it reads from the database (the arena's chain
kind, registered with the ledger by leitai.arenas.audit) and on an exported file
(leitai.ledger.exporting), so both go through the same code. The ledger has already checked the
chain's links and hashes (leitai.ledger.checks); the replay applies the entries in order as the
arena services applied them — panel, recusals, absences and presence, the draw (commitment and order
checked once the seed is revealed), the frozen rubric and rule, every sheet (validated against
the rubric, its total recomputed), reopenings superseding sheets — and recomputes each confirmed
result with the scoring core (`score_panel`) from the sheets in force, comparing it with the
result recorded; every ranking (after each result shown and at the close) is recomputed with the
tie-break chain. It says where the global chain must anchor the arena's chain (`arena_live` at
its `frozen` entry, `arena_closed` at its `closed` entry), which the ledger then checks.

Chains written before a judge's absence had its own entry hold it as a `recusal` entry with
source "absent" (and its lifting as a `recusal` entry that is not in force): those chains replay and
verify as they always did (`LEGACY_ABSENT_SOURCE`).

Each problem names its entry (`arena:12 #37 sheet: …`); the first one is what a person reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from leitai.arenas.frozen import DETAILS_FROZEN_WHEN_LIVE
from leitai.arenas.results.layout import result_figures
from leitai.ledger.checks import Problem, parse_body
from leitai.ledger.hashing import GENESIS
from leitai.scoring import PanelScore, Rubric, SheetError, score_panel
from leitai.scoring.codec import RubricError, rules_of_records
from leitai.scoring.draw import DrawError, commitment, draw_order
from leitai.scoring.exact import plain
from leitai.scoring.membership import Seat, seat_of
from leitai.scoring.panel import PanelRule
from leitai.scoring.ranking import TieBreak, rank_panel_scores

# Participant statuses, as stored (leitai.arenas.models.ParticipantStatus).
REGISTERED, WAITING, PRESENTING = "registered", "waiting", "presenting"
SCORING, SCORED, CONFIRMED, SHOWN = "scoring", "scored", "confirmed", "shown"
ABSENT, WITHDRAWN = "absent", "withdrawn"
DONE = {CONFIRMED, SHOWN, ABSENT, WITHDRAWN}

# The source of a `recusal` entry that recorded a judge absent, in chains written before the
# `judge_absence` entry: then a judge and a participant had one row, recusal or absence, so a
# `recusal` entry lifting it lifted either.
LEGACY_ABSENT_SOURCE = "absent"


# -- 2. the replay -------------------------------------------------------------------------------


@dataclass
class JudgeState:
    code: str
    name: str
    head: bool = False
    revoked: bool = False  # the judge's phone link; the host may still enter paper sheets
    joins_at: int = 1
    leaves_after: int | None = None


@dataclass
class SheetRecord:
    seq: int
    judge: str
    participant: str
    marks: dict[str, Decimal]
    total: Decimal
    source: str
    key: str
    correction: bool
    active: bool = True


@dataclass
class ParticipantState:
    code: str
    name: str
    presenter: str
    added_seq: int
    status: str = REGISTERED
    status_seq: int = 0
    position: int | None = None
    position_seq: int = 0
    result: dict[str, Any] | None = None  # as recorded by the confirmation
    result_seq: int = 0  # the confirmation (or the reopening that withdrew it)
    score: PanelScore | None = None  # recomputed from the sheets
    rank: int | None = None
    tied: bool = False
    rank_seq: int = 0

    @property
    def label(self) -> str:
        return f"{self.code} ({self.name})" if self.name else self.code


@dataclass
class ArenaReplay:
    chain: str
    entries: int = 0
    head: tuple[int, str] = (0, GENESIS)
    title: str = ""
    live_seq: int | None = None  # the `frozen` entry
    rubric: Any = None  # as frozen
    rule: Any = None
    # As at go-live, then as each `details_changed` entry set them; None when the `frozen` entry
    # did not record them (ledgers written before it did).
    presentation_seconds: int | None = None
    reveal_marks: str | None = None
    closed_seq: int | None = None
    judges: dict[str, JudgeState] = field(default_factory=dict)
    participants: dict[str, ParticipantState] = field(default_factory=dict)
    sheets: dict[int, SheetRecord] = field(default_factory=dict)  # by ledger seq
    results: int = 0  # confirmations recomputed
    problems: list[Problem] = field(default_factory=list)

    def anchored_at(self) -> dict[str, int | None]:
        """The global chain anchors an arena's chain when it goes live and when it closes."""
        return {"arena_live": self.live_seq, "arena_closed": self.closed_seq}

    def describe(self) -> str:
        return (
            f"{len(self.participants)} participants, {len(self.sheets)} sheets, "
            f"{self.results} results recomputed"
            + (", closed" if self.closed_seq else (", live" if self.live_seq else ""))
        )


class _Refused(Exception):
    """An entry the services could not have written; its message names why."""


class _Replayer:
    def __init__(self, chain: str) -> None:
        self.state = ArenaReplay(chain=chain)
        # (judge, participant) → in force: recusals (conflicts of interest) and absences apart.
        self.recusals: dict[tuple[str, str], bool] = {}
        self.absences: dict[tuple[str, str], bool] = {}
        self.legacy_absences: set[tuple[str, str]] = set()  # recorded by a `recusal` entry
        self.reopenings: set[tuple[str, str]] = set()
        # (judge, participant) declarations after the sheet: waiting for the host, and accepted
        # (the recusal the acceptance writes comes next).
        self.declared: set[tuple[str, str]] = set()
        self.accepted: set[tuple[str, str]] = set()
        # participant → judge → the sheet in force: an index, so a day of thousands of sheets
        # replays in linear time.
        self.in_force: dict[str, dict[str, SheetRecord]] = {}
        self.rubric: Rubric | None = None
        self.rule: PanelRule | None = None
        self.tie_breaks: list[TieBreak] = []
        self.draw: dict[str, Any] = {}
        self.seq = 0
        self.kind = ""

    # helpers

    def problem(self, message: str) -> None:
        self.state.problems.append(Problem(self.state.chain, self.seq, self.kind, message))

    def participant(self, code: Any) -> ParticipantState:
        found = self.state.participants.get(str(code))
        if found is None:
            raise _Refused(f"participant {code} was never added")
        return found

    def judge(self, code: Any) -> JudgeState:
        found = self.state.judges.get(str(code))
        if found is None:
            raise _Refused(f"judge {code} was never added")
        return found

    def move(self, participant: ParticipantState, allowed: set[str], to: str) -> None:
        if participant.status not in allowed:
            self.problem(
                f"participant {participant.label} was {participant.status}, "
                f"not {' or '.join(sorted(allowed))}"
            )
        participant.status, participant.status_seq = to, self.seq

    def seat(self, judge: JudgeState, participant: ParticipantState) -> Seat:
        pair = (judge.code, participant.code)
        return seat_of(
            judge,
            participant.position,
            recused=self.recusals.get(pair, False),
            absent=self.absences.get(pair, False),
        )

    def expected(self, participant: ParticipantState) -> list[JudgeState]:
        return [
            judge
            for judge in self.state.judges.values()
            if self.seat(judge, participant) is Seat.EXPECTED
        ]

    def active_sheets(self, participant: ParticipantState) -> dict[str, SheetRecord]:
        return self.in_force.setdefault(participant.code, {})

    def store_ranking(self) -> dict[str, dict[str, Any]]:
        """As the console does after each result shown or reopened and at the close: rank
        the results shown, on the figures recomputed from the sheets."""
        ranked = {
            p.code: p.score
            for p in self.state.participants.values()
            if p.status == SHOWN and p.score is not None
        }
        table = {}
        for placing in rank_panel_scores(ranked, self.tie_breaks):
            participant = self.state.participants[placing.participant]
            participant.rank, participant.tied, participant.rank_seq = (
                placing.rank,
                placing.tied,
                self.seq,
            )
            table[placing.participant] = {
                "participant": placing.participant,
                "rank": placing.rank,
                "tied": placing.tied,
                "score": str(ranked[placing.participant].score),
                "decided_by": placing.decided_by,
            }
        return table

    # the entries

    def apply(self, seq: int, kind: str, actor: str, data: dict[str, Any]) -> None:
        self.seq, self.kind = seq, kind
        if self.state.closed_seq is not None:
            # The closed entry's hash is printed on the signed score sheet and anchored in the
            # global chain: nothing may follow it. Applied all the same, so that the database
            # comparison does not also report what the entry changed.
            self.problem(f"written after the arena closed (#{self.state.closed_seq})")
        handler = getattr(self, f"on_{kind}", None)
        if handler is None:
            return  # a kind that decides no result, or one this version does not know
        try:
            handler(data, actor)
        except _Refused as refused:
            self.problem(str(refused))
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            self.problem(f"malformed entry ({type(error).__name__}: {error})")

    def on_arena_created(self, data: dict[str, Any], actor: str) -> None:
        self.state.title = str(data.get("title", ""))

    def on_participant_added(self, data: dict[str, Any], actor: str) -> None:
        code = str(data["participant"])
        existing = self.state.participants.get(code)
        # A participant withdrawn before the draw is deleted, so the unit may be added again.
        if existing is not None and existing.status not in (REGISTERED, WITHDRAWN):
            raise _Refused(f"participant {existing.label} added twice")
        self.state.participants[code] = ParticipantState(
            code=code,
            name=str(data.get("name", "")),
            presenter=str(data.get("presenter", "")),
            added_seq=self.seq,
            status_seq=self.seq,
        )

    def on_withdrawal(self, data: dict[str, Any], actor: str) -> None:
        self.move(self.participant(data["participant"]), {REGISTERED, WAITING}, WITHDRAWN)

    def on_judge_added(self, data: dict[str, Any], actor: str) -> None:
        code = str(data["judge"])
        if code in self.state.judges:
            raise _Refused(f"judge {code} added twice")
        if data.get("head"):
            for judge in self.state.judges.values():
                judge.head = False
        self.state.judges[code] = JudgeState(
            code=code, name=str(data.get("name", "")), head=bool(data.get("head"))
        )

    def on_head_judge(self, data: dict[str, Any], actor: str) -> None:
        chosen = self.judge(data["judge"])
        for judge in self.state.judges.values():
            judge.head = judge is chosen

    def on_judge_link_revoked(self, data: dict[str, Any], actor: str) -> None:
        self.judge(data["judge"]).revoked = True

    def on_judge_link_reissued(self, data: dict[str, Any], actor: str) -> None:
        self.judge(data["judge"]).revoked = False

    def on_judge_presence(self, data: dict[str, Any], actor: str) -> None:
        judge = self.judge(data["judge"])
        leaves = data.get("leaves_after")
        judge.joins_at = int(data["joins_at"])
        judge.leaves_after = None if leaves is None else int(leaves)

    def on_recusal(self, data: dict[str, Any], actor: str) -> None:
        judge = self.judge(data["judge"])
        participant = self.participant(data["participant"])
        pair = (judge.code, participant.code)
        active = bool(data["active"])
        if data.get("source") == LEGACY_ABSENT_SOURCE:
            self.legacy_absences.add(pair)
            self.absent(judge, participant, active=active)
            return
        if not active and pair in self.legacy_absences:
            # Written before absences had their own entry: the one row was lifted, whichever.
            self.absences[pair] = False
        if (
            active
            and data.get("source") == "declared"
            and judge.code in self.active_sheets(participant)
            and pair not in self.accepted
        ):
            self.problem(
                f"judge {judge.code} recused by a declaration after their sheet for "
                f"{participant.label}, without the host accepting it"
            )
        self.accepted.discard(pair)
        self.recusals[pair] = active

    def on_judge_absence(self, data: dict[str, Any], actor: str) -> None:
        self.absent(
            self.judge(data["judge"]),
            self.participant(data["participant"]),
            active=bool(data["active"]),
        )

    def absent(self, judge: JudgeState, participant: ParticipantState, *, active: bool) -> None:
        """A judge recorded absent for a participant (scoring closed without their sheet), or the
        absence lifted. Recording absent a judge whose sheet is in force would drop it unseen."""
        if active and judge.code in self.active_sheets(participant):
            self.problem(
                f"judge {judge.code} recorded absent for {participant.label}, "
                "with their sheet in force"
            )
        self.absences[(judge.code, participant.code)] = active

    def on_conflict_declared(self, data: dict[str, Any], actor: str) -> None:
        judge = self.judge(data["judge"])
        participant = self.participant(data["participant"])
        if participant.status in (CONFIRMED, SHOWN):
            self.problem(f"a conflict declared after the result of {participant.label}")
        if judge.code not in self.active_sheets(participant):
            self.problem(f"sent to the host, but judge {judge.code} had no sheet in force")
        self.declared.add((judge.code, participant.code))

    def decide(self, data: dict[str, Any]) -> tuple[str, str]:
        pair = (self.judge(data["judge"]).code, self.participant(data["participant"]).code)
        if pair not in self.declared:
            raise _Refused(f"no declaration of {pair[0]} about {pair[1]} was waiting")
        self.declared.discard(pair)
        return pair

    def on_conflict_accepted(self, data: dict[str, Any], actor: str) -> None:
        self.accepted.add(self.decide(data))

    def on_conflict_declined(self, data: dict[str, Any], actor: str) -> None:
        self.decide(data)

    def on_draw_committed(self, data: dict[str, Any], actor: str) -> None:
        codes = [str(code) for code in data["list"]]
        for code in codes:
            if self.participant(code).status == WITHDRAWN:
                raise _Refused(f"the frozen list holds {code}, who had withdrawn")
        self.draw = {"list": codes, "commitment": str(data["commitment"])}

    def on_draw_order(self, data: dict[str, Any], actor: str) -> None:
        if "list" not in self.draw:
            raise _Refused("an order drawn before the list was frozen")
        order = [str(code) for code in data["order"]]
        if sorted(order) != sorted(self.draw["list"]):
            raise _Refused("the order is not a permutation of the frozen list")
        self.draw.update(public=str(data["public"]), order=order)
        for position, code in enumerate(order, start=1):
            participant = self.participant(code)
            participant.position, participant.position_seq = position, self.seq
            if participant.status != WITHDRAWN:
                participant.status, participant.status_seq = WAITING, self.seq

    def on_draw_revealed(self, data: dict[str, Any], actor: str) -> None:
        if "order" not in self.draw:
            raise _Refused("a seed revealed before the order was drawn")
        seed = str(data["seed"])
        try:
            if commitment(seed, self.draw["list"]) != self.draw["commitment"]:
                raise _Refused("the revealed seed does not match the published commitment")
            if draw_order(seed, self.draw["public"], self.draw["list"]) != self.draw["order"]:
                raise _Refused("the drawn order does not follow from the seed and contribution")
        except DrawError as error:
            raise _Refused(f"the draw cannot be checked: {error}") from None

    def on_frozen(self, data: dict[str, Any], actor: str) -> None:
        try:
            rules = rules_of_records(data["rubric"], data["rule"])
        except RubricError as error:  # worded as a list, as the ValidationError's messages were
            raise _Refused(f"the frozen rubric or rule is not valid: {[str(error)]}") from None
        self.rubric, self.rule, self.tie_breaks = rules.rubric, rules.rule, list(rules.tie_breaks)
        self.state.live_seq = self.seq
        self.state.rubric, self.state.rule = data["rubric"], data["rule"]
        self.state.presentation_seconds = data.get("presentation_seconds")
        self.state.reveal_marks = data.get("reveal_marks")
        # Names and presenters are compared no further: they decide no result.
        panel = sorted((j.code, j.head) for j in self.state.judges.values())
        if sorted((str(j["judge"]), bool(j["head"])) for j in data["panel"]) != panel:
            self.problem("the panel recorded differs from the judges added before it")
        order = sorted(
            (p.position, p.code) for p in self.state.participants.values() if p.position is not None
        )
        if [(int(p["position"]), str(p["participant"])) for p in data["order"]] != order:
            self.problem("the order recorded differs from the order drawn")

    def on_details_changed(self, data: dict[str, Any], actor: str) -> None:
        if self.state.live_seq is None:
            raise _Refused("details recorded as changed before the arena went live")
        frozen = sorted(set(data) & set(DETAILS_FROZEN_WHEN_LIVE))
        if frozen:
            raise _Refused(f"{', '.join(frozen)} changed after the arena went live")
        if "presentation_seconds" in data:
            self.state.presentation_seconds = int(data["presentation_seconds"])

    def on_presenting(self, data: dict[str, Any], actor: str) -> None:
        self.move(self.participant(data["participant"]), {WAITING}, PRESENTING)

    def on_scoring_opened(self, data: dict[str, Any], actor: str) -> None:
        self.move(self.participant(data["participant"]), {PRESENTING}, SCORING)

    def on_scoring_closed(self, data: dict[str, Any], actor: str) -> None:
        self.move(self.participant(data["participant"]), {SCORING}, SCORED)

    def on_participant_absent(self, data: dict[str, Any], actor: str) -> None:
        self.move(self.participant(data["participant"]), {WAITING, PRESENTING}, ABSENT)

    def on_sheet(self, data: dict[str, Any], actor: str) -> None:
        judge = self.judge(data["judge"])
        participant = self.participant(data["participant"])
        if self.rubric is None:
            raise _Refused("a sheet before the rubric was frozen")
        pair = (judge.code, participant.code)
        reopened = pair in self.reopenings
        if participant.status != SCORING and not reopened:
            self.problem(f"scoring was not open for {participant.label} ({participant.status})")
        seated = self.seat(judge, participant)
        if seated is Seat.RECUSED:
            self.problem(f"judge {judge.code} was recused from {participant.label}")
        elif seated is Seat.ABSENT:
            self.problem(f"judge {judge.code} was recorded absent for {participant.label}")
        elif seated is Seat.NOT_PRESENT:
            self.problem(f"judge {judge.code} was absent for {participant.label}")
        if judge.code in self.active_sheets(participant):
            self.problem(f"judge {judge.code} already had a sheet in force for {participant.label}")
        if judge.revoked and data.get("source") == "phone":
            self.problem(f"a phone sheet from {judge.code}, whose link was revoked")
        if bool(data.get("correction")) != reopened:
            self.problem("marked as a correction without a reopening, or the reverse")
        raw = data["marks"]
        if not isinstance(raw, dict):
            raise _Refused("its marks are not a mapping")
        try:
            marks = self.rubric.check_sheet({str(k): str(v) for k, v in raw.items()})
        except SheetError as error:
            raise _Refused(f"marks the rubric refuses: {error}") from None
        total = self.rubric.total(marks)
        recorded_total = Decimal(str(data["total"]))
        if recorded_total != total:
            self.problem(
                f"total {plain(recorded_total)} recorded, the marks add up to {plain(total)}"
            )
        self.reopenings.discard(pair)
        replaced = self.active_sheets(participant).get(judge.code)
        if replaced is not None:  # already named above; the later sheet counts from here on
            replaced.active = False
        record = self.state.sheets[self.seq] = SheetRecord(
            seq=self.seq,
            judge=judge.code,
            participant=participant.code,
            marks={key: value.normalize() for key, value in marks.items()},
            total=recorded_total,
            source=str(data.get("source", "")),
            key=str(data.get("key", "")),
            correction=bool(data.get("correction")),
        )
        self.active_sheets(participant)[judge.code] = record

    def on_reopened(self, data: dict[str, Any], actor: str) -> None:
        judge = self.judge(data["judge"])
        participant = self.participant(data["participant"])
        current = self.active_sheets(participant).get(judge.code)
        if current is None:
            raise _Refused(f"judge {judge.code} had no sheet in force for {participant.label}")
        current.active = False
        del self.active_sheets(participant)[judge.code]
        self.reopenings.add((judge.code, participant.code))
        if participant.status in (SCORED, CONFIRMED, SHOWN):
            participant.status, participant.status_seq = SCORING, self.seq
            participant.result, participant.score, participant.result_seq = None, None, self.seq
            participant.rank, participant.tied, participant.rank_seq = None, False, self.seq
            self.store_ranking()

    def on_confirmed(self, data: dict[str, Any], actor: str) -> None:
        participant = self.participant(data["participant"])
        recorded = data["result"]
        if not isinstance(recorded, dict):
            raise _Refused("the result recorded is not an object")
        if actor.startswith("judge:"):
            judge = self.judge(actor.split(":", 1)[1])
            if not judge.head:
                self.problem(f"confirmed by {judge.code}, who was not the head judge")
        if any(code == participant.code for _, code in self.declared):
            self.problem(f"confirmed while a declared conflict about {participant.label} waited")
        self.move(participant, {SCORING, SCORED}, CONFIRMED)
        participant.result, participant.result_seq = recorded, self.seq
        if self.rubric is None or self.rule is None:
            raise _Refused("a result confirmed before the rubric was frozen")
        expected = self.expected(participant)
        sheets = self.active_sheets(participant)
        missing = [j.code for j in expected if j.code not in sheets]
        if not expected or missing:
            raise _Refused(
                f"confirmed without every expected sheet (missing: {', '.join(missing) or '—'})"
            )
        score = score_panel(
            {j.code: sheets[j.code].marks for j in expected},
            weights=self.rubric.weights,
            rule=self.rule,
        )
        participant.score = score
        self.state.results += 1
        figures = result_figures(score)
        figures["sheets"] = sorted(sheets[j.code].seq for j in expected)
        for key, value in figures.items():
            if recorded.get(key) != value:
                self.problem(
                    f"result {key} {_shown(recorded.get(key))} recorded, "
                    f"{_shown(value)} recomputed from the sheets"
                )
                break

    def on_shown(self, data: dict[str, Any], actor: str) -> None:
        # An earlier result shown again also goes up on the screens (Arena.spotlight) until the
        # host's next action: presentation only, no part of the record, so nothing to replay.
        self.move(self.participant(data["participant"]), {CONFIRMED}, SHOWN)
        self.store_ranking()

    def on_closed(self, data: dict[str, Any], actor: str) -> None:
        # Participants still "registered" were never in the draw (withdrawn before it, and
        # deleted then); everyone drawn must be finished.
        unfinished = [
            p.label
            for p in self.state.participants.values()
            if p.status not in DONE and p.position is not None
        ]
        if unfinished:
            self.problem(f"closed while {', '.join(unfinished)} had not finished")
        for participant in self.state.participants.values():
            if participant.status == CONFIRMED:
                participant.status, participant.status_seq = SHOWN, self.seq
        self.state.closed_seq = self.seq
        recomputed = self.store_ranking()
        recorded = {str(row.get("participant")): row for row in data["ranking"]}
        for code in sorted(
            set(recorded) | set(recomputed), key=lambda c: _rank_order(c, recomputed)
        ):
            mine, theirs = recomputed.get(code), recorded.get(code)
            if mine != theirs:
                self.problem(
                    f"final ranking of {code}: {_placing(theirs)} recorded, "
                    f"{_placing(mine)} recomputed"
                )
                break


def _rank_order(code: str, table: Mapping[str, Mapping[str, Any]]) -> tuple[int, str]:
    row = table.get(code)
    return (int(row["rank"]) if row else 10**9, code)


def _placing(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "absent"
    tied = ", tied" if row.get("tied") else ""
    return f"rank {row.get('rank')} with {row.get('score')}{tied}"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def replay_arena(chain: str, entries: Sequence[Mapping[str, Any]]) -> ArenaReplay:
    """Apply an arena chain's entries (in seq order) as the services did; see the module doc."""
    replayer = _Replayer(chain)
    for entry in entries:
        seq, kind = int(entry["seq"]), str(entry["kind"])
        try:
            body = parse_body(entry)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            replayer.state.problems.append(Problem(chain, seq, kind, f"unreadable body: {error}"))
            continue
        replayer.apply(seq, kind, str(body.get("actor", "")), body["data"])
    state = replayer.state
    state.entries = len(entries)
    if entries:
        state.head = (int(entries[-1]["seq"]), str(entries[-1]["hash"]))
    return state
