"""Output of `leitai stats aggregate`, built column by column.

A million participants are a million lines: formatting each figure in a per-participant Python
loop would cost more than computing them. Figures are formatted once per distinct value, dropped
marks once per slot across all participants, and only the final joining is per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.batch import NO_JUDGE, BatchScores, MarkTable
from leitai.scoring.exact import IntArray
from leitai.scoring.panel import Mode, PanelRule


def format_units(units: IntArray, decimals: int) -> list[str]:
    """`units` × 10**−decimals as decimal strings, formatting each distinct value once."""
    distinct, inverse = np.unique(np.asarray(units), return_inverse=True)
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

    def slots(self) -> list[DroppedSlot]:
        scores, rows = self.scores, np.arange(self.scores.score_units.shape[0])
        by_criterion = scores.dropped_low.ndim == 3
        judge_names = np.array(self.judges, dtype=object)
        slots = []
        for side, seats_all in (("low", scores.dropped_low), ("high", scores.dropped_high)):
            columns = (
                [(c, seats_all[:, c, :]) for c in range(seats_all.shape[1])]
                if by_criterion
                else [(None, seats_all)]
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

    def _dropped(self, *, as_json: bool) -> list[str]:
        """Per participant, its dropped marks, as text or as JSON objects.

        Every slot of a trimmed participant is filled and no slot of another is, so the
        strings are built per slot across all participants and only joined per participant.
        """
        count = len(self.participants)
        if not self.scores.trimmed.any():
            return [""] * count
        columns = []
        for slot in self.slots():
            if as_json:
                criterion = "null" if slot.criterion is None else encode_basestring(slot.criterion)
                head = '{"judge":'
                tail = f',"criterion":{criterion},"mark":"'
                columns.append(
                    [
                        f'{head}{encode_basestring(judge)}{tail}{mark}"}}'
                        for judge, mark in zip(slot.judge, slot.mark, strict=True)
                    ]
                )
            else:
                middle = " " if slot.criterion is None else f" {slot.criterion} "
                end = f" {slot.side}"
                columns.append(
                    [
                        f"{judge}{middle}{mark}{end}"
                        for judge, mark in zip(slot.judge, slot.mark, strict=True)
                    ]
                )
        separator = "," if as_json else "; "
        trimmed = self.scores.trimmed.tolist()
        return [
            separator.join(parts) if trimmed[i] else ""
            for i, parts in enumerate(zip(*columns, strict=True))
        ]

    def text(
        self, order: NDArray[np.int64], ranks: NDArray[np.int64], tied: NDArray[np.bool_]
    ) -> str:
        dropped = self._dropped(as_json=False)
        score = format_units(self.scores.score_units, self.rule.decimals)
        rank = [
            f"{r}=" if t else str(r) for r, t in zip(ranks.tolist(), tied.tolist(), strict=True)
        ]
        criteria = self._criteria_text() or [""] * len(self.participants)
        header = ["rank", "participant", "score", "judges", *self.criteria_header(), "dropped"]
        # Reorder each column in C (object-array take), then join rows with map/zip: no
        # per-line bytecode beyond the join itself.
        columns = [rank, list(self.participants), score, format_units(self.scores.judges, 0)]
        if self.rule.mode is Mode.CRITERION:
            columns.append([c[:-1] for c in criteria])
        columns.append(dropped)
        ordered = [np.array(column, dtype=object)[order].tolist() for column in columns]
        body = "\n".join(map("\t".join, zip(*ordered, strict=True)))
        return "\t".join(header) + "\n" + body + ("\n" if body else "")

    def criteria_header(self) -> list[str]:
        return list(self.criteria) if self.rule.mode is Mode.CRITERION else []

    def _criteria_text(self) -> list[str]:
        columns = self._criteria_columns()
        if not columns:
            return []
        return [
            "".join(f"{marks[i]} ({weighted[i]})\t" for marks, weighted in columns)
            for i in range(len(self.participants))
        ]

    def _criteria_columns(self) -> list[tuple[list[str], list[str]]]:
        scores = self.scores
        if self.rule.mode is not Mode.CRITERION:
            return []
        assert scores.criterion_units is not None
        assert scores.weighted_units is not None
        return [
            (
                format_units(scores.criterion_units[:, c], self.rule.decimals),
                format_units(scores.weighted_units[:, c], self.rule.decimals),
            )
            for c in range(len(self.criteria))
        ]

    def json(
        self, order: NDArray[np.int64], ranks: NDArray[np.int64], tied: NDArray[np.bool_]
    ) -> str:
        dropped = self._dropped(as_json=True)
        criteria = self._criteria_json() or [""] * len(self.participants)
        score = format_units(self.scores.score_units, self.rule.decimals)
        judges, rank_list = self.scores.judges.tolist(), ranks.tolist()
        tied_text = ["true" if t else "false" for t in tied.tolist()]
        names = [encode_basestring(code) for code in self.participants]
        parts = [
            f'{{"participant":{names[i]},"score":"{score[i]}","rank":{rank_list[i]},'
            f'"tied":{tied_text[i]},"judges":{judges[i]},"dropped":[{dropped[i]}]{criteria[i]}}}'
            for i in order.tolist()
        ]
        return '{"participants":[' + ",".join(parts) + "]}\n"

    def _criteria_json(self) -> list[str]:
        columns = self._criteria_columns()
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
            for i in range(len(self.participants))
        ]
