"""The database held against an arena's ledger chain, for `leitai ledger verify`: each sheet row
and its marks against its entry, each participant's stored status, result, score and rank
against the entries that set them, the arena's frozen rubric, rule and details and its state
against the replay (leitai.arenas.audit.replay).

Everything is read in a fixed number of queries (arenas, sheets, marks, participants; the ledger
reads the entries and the chain heads) and compared in memory, so a city's day of thousands of
sheets takes seconds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from leitai.arenas.audit.replay import ArenaReplay
from leitai.arenas.models import Arena, Mark, Participant, Sheet
from leitai.ledger.checks import Problem
from leitai.scoring.exact import plain


@dataclass(frozen=True)
class SheetRow:
    id: int
    seq: int
    judge: str
    participant: str
    total: Decimal
    source: str
    key: str
    active: bool


def _sheet_rows() -> dict[int, list[SheetRow]]:
    by_arena: dict[int, list[SheetRow]] = defaultdict(list)
    rows = Sheet.objects.values_list(
        "id",
        "ledger_seq",
        "participant__arena_id",
        "judge__code",
        "participant__unit__code",
        "total",
        "source",
        "idempotency_key",
        "active",
    ).iterator(chunk_size=5000)
    for pk, seq, arena_id, judge, participant, total, source, key, active in rows:
        by_arena[arena_id].append(SheetRow(pk, seq, judge, participant, total, source, key, active))
    return by_arena


def _mark_rows() -> dict[int, dict[str, Decimal]]:
    marks: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = Mark.objects.values_list("sheet_id", "criterion", "value").iterator(chunk_size=20000)
    for sheet_id, criterion, value in rows:
        marks[sheet_id][criterion] = value.normalize()
    return marks


def _json(value: Any) -> str:
    if value is None:
        return "none"
    return (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )


def _shown(value: Decimal | None) -> str:
    return "none" if value is None else plain(value)


def compare_sheets(
    replay: ArenaReplay,
    rows: list[SheetRow],
    marks: dict[int, dict[str, Decimal]],
    kinds: dict[int, str],
) -> list[Problem]:
    chain = replay.chain
    problems: list[Problem] = []
    seen: set[int] = set()
    for row in rows:
        record = replay.sheets.get(row.seq)
        label = f"sheet row {row.id} ({row.judge} → {row.participant})"
        if record is None:
            kind = kinds.get(row.seq)
            problems.append(
                Problem(
                    chain,
                    row.seq if kind else None,
                    kind or "",
                    f"{label} points to #{row.seq}, "
                    + (f"a {kind} entry" if kind else "which the chain does not hold")
                    + ", not a sheet the ledger accepted",
                )
            )
            continue
        if row.seq in seen:
            problems.append(Problem(chain, row.seq, "sheet", f"{label}: a second row for it"))
            continue
        seen.add(row.seq)

        def differs(what: str, database: Any, ledger: Any, *, seq: int = row.seq) -> None:
            problems.append(
                Problem(
                    chain,
                    seq,
                    "sheet",
                    f"{what} {database} in the database, {ledger} in the ledger",
                )
            )

        if row.judge != record.judge:
            differs(f"{label}: judge", row.judge, record.judge)
        if row.participant != record.participant:
            differs(f"{label}: participant", row.participant, record.participant)
        stored = marks.get(row.id, {})
        for criterion in sorted(set(stored) | set(record.marks)):
            database, ledger = stored.get(criterion), record.marks.get(criterion)
            if database != ledger:
                problems.append(
                    Problem(
                        chain,
                        row.seq,
                        "sheet",
                        f"mark row {criterion}={_shown(database)} in the database, "
                        + (
                            f"{_shown(ledger)} in the ledger"
                            if ledger is not None
                            else "none in the ledger"
                        ),
                    )
                )
        if row.total != record.total:
            differs("total", plain(row.total), plain(record.total))
        if row.source != record.source:
            differs("source", row.source, record.source)
        if row.key != record.key:
            differs("idempotency key", row.key, record.key)
        if row.active != record.active:
            differs(
                "in force",
                "yes" if row.active else "no",
                "yes" if record.active else "no (superseded by a correction)",
            )
    for seq in sorted(set(replay.sheets) - seen):
        record = replay.sheets[seq]
        problems.append(
            Problem(
                chain,
                seq,
                "sheet",
                f"no sheet row in the database for {record.judge} → {record.participant}",
            )
        )
    return problems


def compare_participants(
    replay: ArenaReplay, rows: Sequence[Mapping[str, Any]], kinds: dict[int, str]
) -> list[Problem]:
    chain = replay.chain
    problems: list[Problem] = []

    def differs(seq: int, what: str, database: Any, ledger: Any) -> None:
        problems.append(
            Problem(
                chain,
                seq or None,
                kinds.get(seq, ""),
                f"{what} {database} in the database, {ledger} in the ledger",
            )
        )

    codes = set()
    for row in rows:
        code = row["unit__code"]
        codes.add(code)
        state = replay.participants.get(code)
        if state is None:
            problems.append(
                Problem(chain, None, "", f"participant {code} in the database was never added")
            )
            continue
        who = f"participant {state.label}"
        if row["status"] != state.status:
            differs(state.status_seq, f"{who} status", row["status"], state.status)
        if row["position"] != state.position:
            differs(state.position_seq, f"{who} position", row["position"], state.position)
        ledger_score = Decimal(state.result["score"]) if state.result else None
        if row["score"] != ledger_score:
            differs(state.result_seq, f"{who} score", _shown(row["score"]), _shown(ledger_score))
        elif row["result"] != state.result:
            stored, recorded = row["result"] or {}, state.result or {}
            key = next(
                (
                    k
                    for k in sorted(set(stored) | set(recorded))
                    if stored.get(k) != recorded.get(k)
                ),
                "",
            )
            differs(
                state.result_seq,
                f"{who} result {key}".rstrip(),
                _json(stored.get(key) if row["result"] is not None else None),
                _json(recorded.get(key) if state.result is not None else None),
            )
        if row["rank"] != state.rank or row["tied"] != state.tied:
            differs(
                state.rank_seq,
                f"{who} rank",
                f"{row['rank']}{' (tied)' if row['tied'] else ''}",
                f"{state.rank}{' (tied)' if state.tied else ''}",
            )
    for code, state in replay.participants.items():
        # A participant withdrawn before the draw is deleted from the database (no entry says
        # so); anyone drawn must still be there.
        if code not in codes and state.position is not None:
            problems.append(
                Problem(
                    chain,
                    state.added_seq,
                    "participant_added",
                    f"participant {state.label} has no row in the database",
                )
            )
    return problems


def compare_arena(replay: ArenaReplay, arena: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    chain = replay.chain
    if replay.live_seq is not None:
        if arena["rubric"] != replay.rubric:
            problems.append(
                Problem(
                    chain,
                    replay.live_seq,
                    "frozen",
                    "the arena's rubric differs from the frozen one",
                )
            )
        if arena["rule"] != replay.rule:
            problems.append(
                Problem(
                    chain, replay.live_seq, "frozen", "the arena's rule differs from the frozen one"
                )
            )
        problems += _details_problems(replay, arena)
    expected = "closed" if replay.closed_seq else ("live" if replay.live_seq else None)
    if expected is not None and arena["state"] != expected:
        seq = replay.closed_seq or replay.live_seq
        problems.append(
            Problem(
                chain,
                seq,
                "closed" if replay.closed_seq else "frozen",
                f"the arena is {arena['state']} in the database, {expected} in the ledger",
            )
        )
    return problems


def _details_problems(replay: ArenaReplay, arena: Mapping[str, Any]) -> list[Problem]:
    """Details recorded at go-live (and changed on the ledger since) against the database: a
    change made without its entry shows here."""
    problems = []
    for name, words in (
        ("presentation_seconds", "presentation time"),
        ("reveal_marks", "reveal setting"),
    ):
        recorded = getattr(replay, name)
        if recorded is not None and arena[name] != recorded:
            problems.append(
                Problem(
                    replay.chain,
                    replay.live_seq,
                    "frozen",
                    f"the arena's {words} is {arena[name]} in the database, "
                    f"{recorded} in the ledger",
                )
            )
    return problems


class ArenaRecords:
    """Every arena's rows, read once (the registered `compare` of the arena's chain kind)."""

    def __init__(self) -> None:
        self.arenas = {
            row["id"]: row
            for row in Arena.objects.values(
                "id", "state", "rubric", "rule", "presentation_seconds", "reveal_marks"
            )
        }
        self.sheet_rows = _sheet_rows()
        self.marks = _mark_rows()
        self.participants: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for row in Participant.objects.values(
            "arena_id", "unit__code", "status", "position", "score", "result", "rank", "tied"
        ).iterator(chunk_size=5000):
            self.participants[row["arena_id"]].append(row)

    def numbers(self) -> Iterable[int]:
        return self.arenas.keys()

    def compare(
        self, chain: str, number: int, replay: ArenaReplay, entries: Sequence[Mapping[str, Any]]
    ) -> list[Problem]:
        arena = self.arenas.get(number)
        if arena is None:
            return [Problem(chain, None, "", f"arena {number} has no row in the database")]
        if not entries:
            return [Problem(chain, None, "", f"arena {number} has no ledger entries")]
        kinds = {int(e["seq"]): str(e["kind"]) for e in entries}
        return (
            compare_arena(replay, arena)
            + compare_sheets(replay, self.sheet_rows.get(number, []), self.marks, kinds)
            + compare_participants(replay, self.participants.get(number, []), kinds)
        )
