"""Judge severity and comparing participants judged by different panels.

Three methods, from the most to the least assuming (docs/scoring.md says when to use each):

* additive model: mark = participant quality + judge severity + error, fitted by least squares
  over the judge–participant graph. A judge's severity is its offset: −0.4 means it marks 0.4
  lower than the average judge of its component. Qualities are comparable only within one
  connected component (judges and participants linked by marks); severities sum to 0 in each.
* per-judge standardisation: each judge's marks as z-scores, rescaled to the mean and spread of
  all marks; removes a judge's level and spread, assumes every judge saw a similar field.
* within-panel percentiles: a participant's mean mark as a percentile of its panel (component);
  assumes every panel's field is equally strong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse import linalg as sparse_linalg

IndexArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Cells:
    """One mark per (participant, judge) in long form, names indexed by position."""

    participant: IndexArray
    judge: IndexArray
    mark: FloatArray
    participants: tuple[str, ...]
    judges: tuple[str, ...]


@dataclass(frozen=True)
class Component:
    participants: tuple[str, ...]
    judges: tuple[str, ...]


@dataclass(frozen=True)
class ParticipantSeverityView:
    participant: str
    component: int
    judges: int
    mean_mark: float
    quality: float  # additive model: the mark an average judge of the component would give
    standardised: float | None  # mean of its z-scored marks on the original scale
    percentile: float  # of its mean mark within its component (mid-rank, 0–100)


@dataclass(frozen=True)
class JudgeSeverityView:
    judge: str
    component: int
    marks: int
    severity: float
    mean: float
    sd: float
    standardisable: bool  # False when the judge's marks do not vary (sd 0): z is undefined


@dataclass(frozen=True)
class SeverityReport:
    components: tuple[Component, ...]
    participants: tuple[ParticipantSeverityView, ...]
    judges: tuple[JudgeSeverityView, ...]
    residual_sd: float | None  # None when the model fits every mark exactly or has no df


def analyse_severity(cells: Cells) -> SeverityReport:
    n_participants, n_judges = len(cells.participants), len(cells.judges)
    component_of_participant, component_of_judge, count = connected_components(cells)
    quality, severity = fit_additive(cells, component_of_judge, count)
    fitted = quality[cells.participant] + severity[cells.judge]
    residual = cells.mark - fitted
    df = cells.mark.size - n_participants - (n_judges - count)
    residual_sd = float(np.sqrt((residual**2).sum() / df)) if df > 0 else None
    if residual_sd is not None and residual_sd <= 1e-12 * max(1.0, float(np.abs(cells.mark).max())):
        residual_sd = None

    judge_marks = np.bincount(cells.judge, minlength=n_judges)
    judge_mean = np.bincount(cells.judge, cells.mark, n_judges) / judge_marks
    judge_var = np.bincount(cells.judge, (cells.mark - judge_mean[cells.judge]) ** 2, n_judges)
    judge_sd = np.sqrt(judge_var / judge_marks)
    standardisable = judge_sd > 1e-12 * np.maximum(1.0, np.abs(judge_mean))
    standardised = _standardised(cells, judge_mean, judge_sd, standardisable)

    participant_marks = np.bincount(cells.participant, minlength=n_participants)
    mean_mark = np.bincount(cells.participant, cells.mark, n_participants) / participant_marks
    percentile = _percentiles(mean_mark, component_of_participant, count)

    components = tuple(
        Component(
            tuple(p for i, p in enumerate(cells.participants) if component_of_participant[i] == c),
            tuple(j for i, j in enumerate(cells.judges) if component_of_judge[i] == c),
        )
        for c in range(count)
    )
    return SeverityReport(
        components=components,
        participants=tuple(
            ParticipantSeverityView(
                participant=name,
                component=int(component_of_participant[i]),
                judges=int(participant_marks[i]),
                mean_mark=float(mean_mark[i]),
                quality=float(quality[i]),
                standardised=standardised[i],
                percentile=float(percentile[i]),
            )
            for i, name in enumerate(cells.participants)
        ),
        judges=tuple(
            JudgeSeverityView(
                judge=name,
                component=int(component_of_judge[j]),
                marks=int(judge_marks[j]),
                severity=float(severity[j]),
                mean=float(judge_mean[j]),
                sd=float(judge_sd[j]),
                standardisable=bool(standardisable[j]),
            )
            for j, name in enumerate(cells.judges)
        ),
        residual_sd=residual_sd,
    )


def _incidence(cells: Cells) -> sparse.csr_matrix:
    shape = (len(cells.participants), len(cells.judges))
    ones = np.ones(cells.mark.size)
    return sparse.csr_matrix((ones, (cells.participant, cells.judge)), shape=shape)


def connected_components(cells: Cells) -> tuple[IndexArray, IndexArray, int]:
    """Connected components of the bipartite judge–participant graph."""
    n_participants = len(cells.participants)
    incidence = _incidence(cells)
    graph = sparse.bmat([[None, incidence], [incidence.T, None]], format="csr")
    count, labels = csgraph.connected_components(graph, directed=False)
    # Number components in order of their first participant, so output is stable.
    first_seen: dict[int, int] = {}
    for label in labels:
        first_seen.setdefault(int(label), len(first_seen))
    relabel = np.array([first_seen[int(label)] for label in range(count)], dtype=np.int64)
    labels = relabel[labels]
    return labels[:n_participants], labels[n_participants:], int(count)


def fit_additive(
    cells: Cells, component_of_judge: IndexArray, count: int
) -> tuple[FloatArray, FloatArray]:
    """Least-squares quality and severity with severities summing to 0 in each component.

    Eliminating the qualities (q_i = mean over i's judges of mark − s_j) leaves, per component,
    the judges' normal equations L s = b with L = C − Aᵀ N⁻¹ A (C, N: marks per judge and per
    participant; A: incidence). L is singular along the all-ones vector, which the sum-to-zero
    constraint fixes; it is solved as one sparse bordered system [[L, 1], [1ᵀ, 0]].
    """
    n_participants, n_judges = len(cells.participants), len(cells.judges)
    incidence = _incidence(cells)
    per_participant = np.bincount(cells.participant, minlength=n_participants).astype(float)
    per_judge = np.bincount(cells.judge, minlength=n_judges).astype(float)
    participant_mean = np.bincount(cells.participant, cells.mark, n_participants) / per_participant
    rhs = np.bincount(cells.judge, cells.mark - participant_mean[cells.participant], n_judges)
    inverse_counts = sparse.diags(1.0 / per_participant)
    laplacian = (sparse.diags(per_judge) - incidence.T @ inverse_counts @ incidence).tocsr()

    severity = np.zeros(n_judges)
    for component in range(count):
        members = np.flatnonzero(component_of_judge == component)
        if members.size < 2:
            continue  # a lone judge's severity is 0 by the constraint
        block = laplacian[members][:, members]
        ones = sparse.csr_matrix(np.ones((members.size, 1)))
        bordered = sparse.bmat([[block, ones], [ones.T, None]], format="csc")
        solution = sparse_linalg.spsolve(bordered, np.append(rhs[members], 0.0))
        severity[members] = np.asarray(solution, dtype=float)[: members.size]
    quality = (
        np.bincount(cells.participant, cells.mark - severity[cells.judge], n_participants)
        / per_participant
    )
    return quality, severity


def _standardised(
    cells: Cells, mean: FloatArray, sd: FloatArray, usable: NDArray[np.bool_]
) -> list[float | None]:
    grand_mean = float(cells.mark.mean())
    grand_sd = float(cells.mark.std())
    keep = usable[cells.judge]
    safe_sd = np.where(usable, sd, 1.0)
    z = (cells.mark - mean[cells.judge]) / safe_sd[cells.judge]
    rescaled = grand_mean + z * grand_sd
    n = len(cells.participants)
    counts = np.bincount(cells.participant[keep], minlength=n)
    sums = np.bincount(cells.participant[keep], rescaled[keep], n)
    return [float(sums[i] / counts[i]) if counts[i] else None for i in range(n)]


def _percentiles(values: FloatArray, component: IndexArray, count: int) -> FloatArray:
    """Mid-rank percentile within each component: 100 × (below + ½ equal) / size."""
    result = np.zeros(values.size)
    for c in range(count):
        members = np.flatnonzero(component == c)
        own = values[members]
        ordered = np.sort(own)
        below = np.searchsorted(ordered, own, side="left")
        equal = np.searchsorted(ordered, own, side="right") - below
        result[members] = 100.0 * (below + 0.5 * equal) / members.size
    return result
