"""How consistent a panel is: ICCs, Kendall's W, and each judge's deviation from the others.

Statistics here are plain floats, not published figures. A figure that is undefined (a panel
whose marks are all equal, too few participants) is None with a reason: never NaN, which is not
JSON and silently poisons every comparison.

Missing cells (recusals, absences): the ICCs and W need a complete participants × judges table,
so they use the complete cases, the participants scored by every judge of the panel, and report
how many that is. Judge deviations use every cell present: a judge's mark against the mean of the
other judges who scored the same participant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from leitai.scoring.arrays import run_lengths
from leitai.scoring.reasons import Reason

ALPHA = 0.05
ICC_NAMES = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")


@dataclass(frozen=True)
class Icc:
    name: str
    value: float | None
    ci95: tuple[float, float] | None
    reason: Reason | None = None  # why value or ci95 is None


@dataclass(frozen=True)
class KendallW:
    w: float | None
    chi2: float | None
    df: int
    p: float | None
    tie_corrected: bool = True
    reason: Reason | None = None


@dataclass(frozen=True)
class CorridorRule:
    """When a judge leaves the panel's corridor (after ISU's officials assessment; see
    docs/scoring.md).

    The corridor is ± width around the other judges' mean. A judge is flagged when its average
    deviation lies outside it (a systematic lean), or when more than a quarter of its marks do
    (erratic marking). By default width = width_factor × σ, where σ is a robust estimate of the
    panel's marking noise: 1.4826 × the median absolute deviation after removing each judge's
    own average lean, so neither a lenient judge nor an erratic one widens the corridor meant to
    catch it.
    """

    width: float | None = None  # in mark units; None: width_factor × σ
    width_factor: float = 2.0
    max_outside_share: float = 0.25  # flag when more than this share of marks is outside …
    min_outside: int = 2  # … and at least this many
    min_cells_for_lean: int = 3  # the average-deviation test needs this many marks


@dataclass(frozen=True)
class JudgeDeviation:
    judge: str
    cells: int  # participants this judge scored together with at least one other judge
    mean_deviation: float | None
    mean_abs_deviation: float | None
    correlation: float | None
    correlation_reason: Reason | None
    outside_corridor: int
    flagged: bool
    flag_reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Reliability:
    participants_used: int  # complete cases behind the ICCs and W
    participants_excluded: int  # participants missing at least one judge's mark
    judges: int
    icc: tuple[Icc, ...]
    kendall_w: KendallW
    corridor_width: float | None
    deviations: tuple[JudgeDeviation, ...]


FloatMatrix = NDArray[np.float64]


def assess_panel(
    values: FloatMatrix,
    present: NDArray[np.bool_],
    judges: list[str],
    corridor: CorridorRule | None = None,
) -> Reliability:
    """Reliability of one panel: `values` is participants × judges, `present` marks scored cells."""
    complete = present.all(axis=1)
    table = values[complete]
    deviations, width = judge_deviations(values, present, judges, corridor or CorridorRule())
    return Reliability(
        participants_used=int(complete.sum()),
        participants_excluded=int((~complete).sum()),
        judges=len(judges),
        icc=intraclass_correlations(table),
        kendall_w=kendall_w(table),
        corridor_width=width,
        deviations=deviations,
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0:
        return None
    return _finite(numerator / denominator)


def intraclass_correlations(table: FloatMatrix) -> tuple[Icc, ...]:
    """Shrout & Fleiss (1979) ICCs with 95 % intervals (McGraw & Wong 1996 for ICC(2,·)).

    `table` is complete: targets (participants) × judges.
    """
    n, k = table.shape
    if n < 2 or k < 2:
        reason = Reason("too_few_complete", n=n, k=k)
        return tuple(Icc(name, None, None, reason) for name in ICC_NAMES)
    grand = float(table.mean())
    row_means = table.mean(axis=1)
    col_means = table.mean(axis=0)
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    ss_cols = float(n * ((col_means - grand) ** 2).sum())
    residual = table - row_means[:, None] - col_means[None, :] + grand
    ss_error = float((residual**2).sum())
    if ss_error <= 1e-12 * (ss_rows + ss_cols):
        # Rounding noise of an exactly additive table (judges differing only by a constant).
        ss_error = 0.0
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_cols + ss_error) / (n * (k - 1))
    if bms == 0:
        reason = Reason("no_between_variance")
        return tuple(Icc(name, None, None, reason) for name in ICC_NAMES)

    icc1 = _ratio(bms - wms, bms + (k - 1) * wms)
    icc2 = _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n)
    icc3 = _ratio(bms - ems, bms + (k - 1) * ems)
    icc1k = _ratio(bms - wms, bms)
    icc2k = _ratio(bms - ems, bms + (jms - ems) / n)
    icc3k = _ratio(bms - ems, bms)

    df_between, df_one_way, df_two_way = n - 1, n * (k - 1), (n - 1) * (k - 1)
    quantile = 1 - ALPHA / 2
    ci1 = ci1k = ci3 = ci3k = ci2 = ci2k = None
    if wms > 0:
        f1 = bms / wms
        f1_low = f1 / float(stats.f.ppf(quantile, df_between, df_one_way))
        f1_up = f1 * float(stats.f.ppf(quantile, df_one_way, df_between))
        ci1 = _interval((f1_low - 1) / (f1_low + k - 1), (f1_up - 1) / (f1_up + k - 1))
        ci1k = _interval(1 - 1 / f1_low, 1 - 1 / f1_up)
    if ems > 0:
        f3 = bms / ems
        f3_low = f3 / float(stats.f.ppf(quantile, df_between, df_two_way))
        f3_up = f3 * float(stats.f.ppf(quantile, df_two_way, df_between))
        ci3 = _interval((f3_low - 1) / (f3_low + k - 1), (f3_up - 1) / (f3_up + k - 1))
        ci3k = _interval(1 - 1 / f3_low, 1 - 1 / f3_up)
        if icc2 is not None and icc2 != 1:
            ci2 = _icc2_interval(icc2, n, k, bms, jms, ems)
            if ci2 is not None:
                low, up = ci2
                ci2k = _interval(low * k / (1 + low * (k - 1)), up * k / (1 + up * (k - 1)))

    no_ci = Reason("no_residual_variance")
    return (
        _icc("ICC(1,1)", icc1, ci1, no_ci),
        _icc("ICC(2,1)", icc2, ci2, no_ci),
        _icc("ICC(3,1)", icc3, ci3, no_ci),
        _icc("ICC(1,k)", icc1k, ci1k, no_ci),
        _icc("ICC(2,k)", icc2k, ci2k, no_ci),
        _icc("ICC(3,k)", icc3k, ci3k, no_ci),
    )


def _icc(name: str, value: float | None, ci: tuple[float, float] | None, why: Reason) -> Icc:
    if value is None:
        return Icc(name, None, None, Reason("zero_denominator"))
    return Icc(name, value, ci, None if ci is not None else why)


def _interval(low: float, high: float) -> tuple[float, float] | None:
    if math.isfinite(low) and math.isfinite(high):
        return (low, high)
    return None


def _icc2_interval(
    icc: float, n: int, k: int, bms: float, jms: float, ems: float
) -> tuple[float, float] | None:
    """McGraw & Wong (1996) interval for ICC(A,1), with Satterthwaite's degrees of freedom."""
    fj = jms / ems
    numerator = (n - 1) * (k - 1) * (k * icc * fj + n * (1 + (k - 1) * icc) - k * icc) ** 2
    denominator = (n - 1) * k**2 * icc**2 * fj**2 + (n * (1 + (k - 1) * icc) - k * icc) ** 2
    if denominator == 0:
        return None
    v = numerator / denominator
    if not v > 0:
        return None
    quantile = 1 - ALPHA / 2
    f_upper = float(stats.f.ppf(quantile, n - 1, v))
    f_lower = float(stats.f.ppf(quantile, v, n - 1))
    low = n * (bms - f_upper * ems) / (f_upper * (k * jms + (k * n - k - n) * ems) + n * bms)
    high = n * (f_lower * bms - ems) / (k * jms + (k * n - k - n) * ems + n * f_lower * bms)
    return _interval(low, high)


def kendall_w(table: FloatMatrix) -> KendallW:
    """Kendall's W over complete cases: each judge ranks the participants (average ranks for
    ties), with the tie correction in the denominator; χ² = m(n − 1)W on n − 1 df."""
    n, m = table.shape
    df = max(n - 1, 0)
    if n < 2 or m < 2:
        return KendallW(None, None, df, None, reason=Reason("too_few_complete", n=n, k=m))
    ranks = stats.rankdata(table, axis=0)
    rank_sums = ranks.sum(axis=1)
    spread = float(((rank_sums - rank_sums.mean()) ** 2).sum())
    ties = 0
    for column in range(m):
        counts = run_lengths(table[:, column])
        ties += int((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator == 0:
        return KendallW(None, None, df, None, reason=Reason("all_marks_equal"))
    w = 12 * spread / denominator
    chi2 = m * (n - 1) * w
    return KendallW(w, chi2, df, float(stats.chi2.sf(chi2, df)))


def judge_deviations(
    values: FloatMatrix,
    present: NDArray[np.bool_],
    judges: list[str],
    rule: CorridorRule,
) -> tuple[tuple[JudgeDeviation, ...], float | None]:
    """Leave-one-out deviations: each mark minus the mean of the other judges' marks on the same
    participant, over the cells where at least one other judge scored."""
    marks = np.where(present, values, 0.0)
    row_sums = marks.sum(axis=1, keepdims=True)
    row_counts = present.sum(axis=1, keepdims=True)
    usable = present & (row_counts >= 2)
    others = np.divide(row_sums - marks, row_counts - 1, out=np.zeros_like(marks), where=usable)
    deviation = np.where(usable, marks - others, 0.0)
    counts = usable.sum(axis=0)
    leans = np.divide(deviation.sum(axis=0), counts, out=np.zeros(counts.size), where=counts > 0)
    noise = np.where(usable, deviation - leans[None, :], 0.0)
    width = _corridor_width(np.abs(noise[usable]), rule)

    results = []
    for column, judge in enumerate(judges):
        cells = usable[:, column]
        count = int(cells.sum())
        own = deviation[cells, column]
        if count == 0:
            results.append(
                JudgeDeviation(
                    judge,
                    0,
                    None,
                    None,
                    None,
                    Reason("no_shared_participant"),
                    0,
                    False,
                    (),
                )
            )
            continue
        mean_signed = float(own.mean())
        mean_abs = float(np.abs(own).mean())
        correlation, why = _correlation(marks[cells, column], others[cells, column])
        outside = int((np.abs(own) > width).sum()) if width is not None else 0
        reasons: list[Reason] = []
        if outside >= rule.min_outside and outside > rule.max_outside_share * count:
            reasons.append(
                Reason("outside_corridor", outside=outside, count=count, width=f"{width:.4g}")
            )
        if width is not None and count >= rule.min_cells_for_lean and abs(mean_signed) > width:
            reasons.append(
                Reason(
                    "lean_above" if mean_signed > 0 else "lean_below",
                    by=f"{abs(mean_signed):.4g}",
                    width=f"{width:.4g}",
                )
            )
        results.append(
            JudgeDeviation(
                judge,
                count,
                mean_signed,
                mean_abs,
                correlation,
                why,
                outside,
                bool(reasons),
                tuple(reasons),
            )
        )
    return tuple(results), width


def _corridor_width(noise: NDArray[np.float64], rule: CorridorRule) -> float | None:
    if rule.width is not None:
        return rule.width
    if noise.size == 0:
        return None
    # For normal noise both 1.4826 × median |x| and 1.2533 × mean |x| estimate σ.
    sigma = 1.4826 * float(np.median(noise))
    if sigma == 0:
        # Most marks agree exactly; the mean still sees the few that do not.
        sigma = 1.2533 * float(noise.mean())
    if sigma == 0:
        return None
    return rule.width_factor * sigma


def _correlation(own: FloatMatrix, others: FloatMatrix) -> tuple[float | None, Reason | None]:
    if own.size < 3:
        return None, Reason("too_few_shared", n=own.size)
    own_centred = own - own.mean()
    others_centred = others - others.mean()
    own_ss = float((own_centred**2).sum())
    others_ss = float((others_centred**2).sum())
    if own_ss == 0:
        return None, Reason("judge_constant")
    if others_ss == 0:
        return None, Reason("others_constant")
    value = float((own_centred * others_centred).sum()) / math.sqrt(own_ss * others_ss)
    return max(-1.0, min(1.0, value)), None
