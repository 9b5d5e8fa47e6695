"""Output of `leitai stats aggregate`, built column by column.

A million participants are a million lines: formatting each figure in a per-participant Python
loop would cost more than computing them. Figures are formatted once per distinct value, dropped
marks once per slot across all participants, and only the final joining is per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from operator import itemgetter

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.batch import NO_JUDGE, BatchScores, MarkTable
from leitai.scoring.arrays import distinct_with_inverse
from leitai.scoring.exact import IntArray
from leitai.scoring.panel import Mode, PanelRule


def format_units(units: IntArray, decimals: int) -> list[str]:
    """`units` × 10**−decimals as decimal strings, formatting each distinct value once."""
    distinct, inverse = distinct_with_inverse(np.asarray(units).ravel())
    scale = 10**decimals
    shown = []
    for value in (int(v) for v in distinct.tolist()):
        sign, magnitude = ("-" if value < 0 else ""), abs(value)
        if decimals == 0:
            shown.append(f"{sign}{magnitude}")
        else:
            shown.append(f"{sign}{magnitude // scale}.{magnitude % scale:0{decimals}d}")
    table = np.array(shown, dtype=object)
    result: list[str] = table[inverse.ravel()].tolist()
    return result


@dataclass(frozen=True)
class DroppedSlot:
    """One dropped place (say, the lowest total) across all participants."""

    valid: list[bool]
    judge: list[str]
    criterion: str | None
    mark: list[str]
    side: str


@dataclass(frozen=True)
class AggregateOutput:
    participants: Sequence[str]
    judges: Sequence[str]
    criteria: Sequence[str]
    rule: PanelRule
    marks: MarkTable
    scores: BatchScores
    judge_of_seat: NDArray[np.int64]

    def slots(self, rows: NDArray[np.int64], *, as_json: bool = False) -> list[DroppedSlot]:
        """The dropped places, each as columns over `rows` (participants in output order);
        judge codes JSON-encoded when `as_json`."""
        scores = self.scores
        by_criterion = scores.dropped_low.ndim == 3
        shown = [encode_basestring(j) for j in self.judges] if as_json else list(self.judges)
        judge_names = np.array(shown, dtype=object)
        slots = []
        for side, seats_all in (("low", scores.dropped_low), ("high", scores.dropped_high)):
            columns = (
                [(c, seats_all[rows, c, :]) for c in range(seats_all.shape[1])]
                if by_criterion
                else [(None, seats_all[rows])]
            )
            for criterion, seats in columns:
                for slot in range(seats.shape[1]):
                    seat = seats[:, slot]
                    valid = seat != NO_JUDGE
                    safe = np.where(valid, seat, 0)
                    judge = self.judge_of_seat[rows, safe]
                    if criterion is None:
                        units = scores.total_units[rows, safe]
                        mark = format_units(units, scores.total_exponent)
                    else:
                        units = self.marks.values[rows, safe, criterion]
                        mark = format_units(units, self.marks.exponent)
                    slots.append(
                        DroppedSlot(
                            valid=valid.tolist(),
                            judge=judge_names[np.where(valid, judge, 0)].tolist(),
                            criterion=None if criterion is None else self.criteria[criterion],
                            mark=mark,
                            side=side,
                        )
                    )
        return slots

    def _dropped(self, rows: NDArray[np.int64], *, as_json: bool) -> list[str]:
        """For each of `rows`, its dropped marks, as text or as JSON objects.

        Every slot of a trimmed participant is filled and no slot of another is, so the
        strings are built per slot across all participants and only joined per participant.
        """
        trimmed = self.scores.trimmed[rows].tolist()
        if not any(trimmed):
            return [""] * len(trimmed)
        # Each slot's text is built across all participants by one comprehension (f-strings over
        # zipped columns: a quarter of the cost of a str.format per row), then joined per row.
        pieces: list[list[str]] = []
        for slot in self.slots(rows, as_json=as_json):
            if as_json:
                criterion = "null" if slot.criterion is None else encode_basestring(slot.criterion)
                head, middle, tail = '{"judge":', f',"criterion":{criterion},"mark":"', '"}'
            else:
                head = ""
                middle = " " if slot.criterion is None else f" {slot.criterion} "
                tail = f" {slot.side}"
            pieces.append(
                [
                    f"{head}{judge}{middle}{mark}{tail}"
                    for judge, mark in zip(slot.judge, slot.mark, strict=True)
                ]
            )
        joined = map(("," if as_json else "; ").join, zip(*pieces, strict=True))
        return [text if kept else "" for text, kept in zip(joined, trimmed, strict=True)]

    def _names(self, rows: NDArray[np.int64]) -> list[str]:
        if not len(rows):
            return []
        picked = itemgetter(*rows.tolist())(self.participants)
        return [picked] if len(rows) == 1 else list(picked)

    def text(
        self, order: NDArray[np.int64], ranks: NDArray[np.int64], tied: NDArray[np.bool_]
    ) -> str:
        # Every column is built directly in output order from arrays taken in that order, so
        # nothing is reordered as Python lists.
        ranks_out, tied_out = ranks[order].tolist(), tied[order]
        columns = [
            _rank_texts(ranks_out, tied_out),
            self._names(order),
            format_units(self.scores.score_units[order], self.rule.decimals),
            format_units(self.scores.judges[order], 0),
        ]
        for marks, weighted in self._criteria_columns(order):
            columns.append([f"{m} ({w})" for m, w in zip(marks, weighted, strict=True)])
        columns.append(self._dropped(order, as_json=False))
        header = ["rank", "participant", "score", "judges", *self.criteria_header(), "dropped"]
        body = "\n".join(map("\t".join, zip(*columns, strict=True)))
        return "\t".join(header) + "\n" + body + ("\n" if body else "")

    def criteria_header(self) -> list[str]:
        return list(self.criteria) if self.rule.mode is Mode.CRITERION else []

    def _criteria_columns(self, rows: NDArray[np.int64]) -> list[tuple[list[str], list[str]]]:
        scores = self.scores
        if self.rule.mode is not Mode.CRITERION:
            return []
        assert scores.criterion_units is not None
        assert scores.weighted_units is not None
        return [
            (
                format_units(scores.criterion_units[rows, c], self.rule.decimals),
                format_units(scores.weighted_units[rows, c], self.rule.decimals),
            )
            for c in range(len(self.criteria))
        ]

    def json(
        self, order: NDArray[np.int64], ranks: NDArray[np.int64], tied: NDArray[np.bool_]
    ) -> str:
        dropped = self._dropped(order, as_json=True)
        criteria = self._criteria_json(order) or [""] * len(order)
        score = format_units(self.scores.score_units[order], self.rule.decimals)
        judges, rank_list = self.scores.judges[order].tolist(), ranks[order].tolist()
        tied_text = ["true" if t else "false" for t in tied[order].tolist()]
        names = [encode_basestring(code) for code in self._names(order)]
        parts = [
            f'{{"participant":{names[i]},"score":"{score[i]}","rank":{rank_list[i]},'
            f'"tied":{tied_text[i]},"judges":{judges[i]},"dropped":[{dropped[i]}]{criteria[i]}}}'
            for i in range(len(names))
        ]
        return '{"participants":[' + ",".join(parts) + "]}\n"

    def _criteria_json(self, rows: NDArray[np.int64]) -> list[str]:
        columns = self._criteria_columns(rows)
        if not columns:
            return []
        keys = [encode_basestring(key) for key in self.criteria]
        return [
            ',"criteria":{'
            + ",".join(
                f'{key}:{{"mark":"{marks[i]}","weighted":"{weighted[i]}"}}'
                for key, (marks, weighted) in zip(keys, columns, strict=True)
            )
            + "}"
            for i in range(len(rows))
        ]


def _rank_texts(ranks: list[int], tied: NDArray[np.bool_]) -> list[str]:
    """ "4", or "4=" for a shared rank, formatting each distinct (rank, shared) once: with a
    million participants and scores to two decimals most ranks are shared by several."""
    keys = np.asarray(ranks, dtype=np.int64) * 2 + tied.astype(np.int64)
    distinct, inverse = distinct_with_inverse(keys)
    shown = [f"{key // 2}=" if key % 2 else str(key // 2) for key in distinct.tolist()]
    texts: list[str] = np.array(shown, dtype=object)[inverse].tolist()
    return texts
