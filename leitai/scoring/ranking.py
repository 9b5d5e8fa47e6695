"""Ranking on published figures, with a tie-break chain.

Participants are ordered by their published (rounded) score, highest first, and given standard
competition ranks (1, 2, 2, 4). Participants with equal scores are then compared on each
tie-break in turn (higher is better); those the whole chain cannot separate share the rank and are
flagged `tied`, so an official makes a recorded decision instead of the software picking silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from leitai.scoring.panel import PanelScore


class TieBreakKind(StrEnum):
    UNTRIMMED_MEAN = "untrimmed_mean"
    CRITERION = "criterion"


@dataclass(frozen=True)
class TieBreak:
    kind: TieBreakKind
    criterion: str | None = None

    def __post_init__(self) -> None:
        if (self.kind is TieBreakKind.CRITERION) != bool(self.criterion):
            raise ValueError("a criterion tie-break names exactly one criterion")

    @classmethod
    def parse(cls, text: str) -> TieBreak:
        """`untrimmed_mean` or `criterion:KEY`."""
        if text == TieBreakKind.UNTRIMMED_MEAN.value:
            return cls(TieBreakKind.UNTRIMMED_MEAN)
        prefix = f"{TieBreakKind.CRITERION.value}:"
        if text.startswith(prefix) and len(text) > len(prefix):
            return cls(TieBreakKind.CRITERION, text[len(prefix) :])
        raise ValueError(f"unknown tie-break {text!r}: use untrimmed_mean or criterion:KEY")

    @property
    def name(self) -> str:
        if self.kind is TieBreakKind.CRITERION:
            return f"{self.kind.value}:{self.criterion}"
        return self.kind.value

    def value(self, score: PanelScore) -> Fraction | Decimal:
        if self.kind is TieBreakKind.UNTRIMMED_MEAN:
            return score.untrimmed_mean
        assert self.criterion is not None
        if self.criterion not in score.criterion_marks:
            raise ValueError(f"tie-break names unknown criterion {self.criterion!r}")
        return score.criterion_marks[self.criterion]


@dataclass(frozen=True)
class Placing:
    participant: str
    rank: int
    tied: bool  # shares its rank: the whole tie-break chain could not separate it
    # The deepest tie-break needed to separate it from the participants with the same score;
    # None when its score alone decided its place (or nothing could).
    decided_by: str | None


Key = tuple[Fraction | Decimal, ...]


def rank_keys(keys: Mapping[str, Key], names: Sequence[str] = ()) -> list[Placing]:
    """Competition ranks on key tuples (score first, then tie-breaks), higher better.

    Returned in rank order, equal ranks by participant code. `names` label keys[1:] for
    `decided_by`.
    """
    ordered = sorted(keys, key=lambda p: (tuple(-v for v in keys[p]), p))
    placings: list[Placing] = []
    position = 0
    while position < len(ordered):
        score = keys[ordered[position]][0]
        end = position
        while end < len(ordered) and keys[ordered[end]][0] == score:
            end += 1
        placings.extend(_place_equal_scores(ordered[position:end], keys, names, position))
        position = end
    return placings


def _place_equal_scores(
    group: Sequence[str], keys: Mapping[str, Key], names: Sequence[str], offset: int
) -> list[Placing]:
    placings = []
    for participant in group:
        own = keys[participant]
        first_equal = next(i for i, other in enumerate(group) if keys[other] == own)
        tied = sum(1 for other in group if keys[other] == own) > 1
        depth = 0
        for other in group:
            if other != participant and keys[other] != own:
                differs_at = next(
                    i for i, (a, b) in enumerate(zip(own, keys[other], strict=True)) if a != b
                )
                depth = max(depth, differs_at)
        decided_by = names[depth - 1] if depth >= 1 and depth - 1 < len(names) else None
        placings.append(Placing(participant, offset + first_equal + 1, tied, decided_by))
    return placings


def rank_panel_scores(
    scores: Mapping[str, PanelScore], tie_breaks: Sequence[TieBreak] = ()
) -> list[Placing]:
    keys: dict[str, Key] = {
        participant: (score.score, *(tb.value(score) for tb in tie_breaks))
        for participant, score in scores.items()
    }
    return rank_keys(keys, [tb.name for tb in tie_breaks])
