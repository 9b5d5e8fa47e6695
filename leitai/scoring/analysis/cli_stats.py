"""The `leitai stats` commands: long-format marks in, text or JSON out.

JSON carries published figures (scores, marks) as decimal strings, exactly as published, and
statistics as plain numbers or null; `allow_nan=False` makes a stray NaN a bug we see, not
invalid JSON a consumer sees.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.batch import NO_JUDGE, MarkTable, aggregate_batch, rank_batch
from leitai.scoring.analysis.cli_aggregate import AggregateOutput
from leitai.scoring.analysis.longtable import InputError, LongTable, UsageError, read_long_table
from leitai.scoring.panel import Method, Mode, PanelRule
from leitai.scoring.ranking import TieBreak, TieBreakKind

if TYPE_CHECKING:
    from leitai.scoring.severity import Cells


def run_stats(args: argparse.Namespace) -> str:
    # Options that do not depend on the file are checked before reading a possibly big file.
    rule = _rule(args) if args.command in ("aggregate", "robustness") else PanelRule()
    table = read_long_table(args.file)
    if args.command == "aggregate":
        return _aggregate(table, args, rule)
    if args.command == "reliability":
        return _reliability(table, args)
    if args.command == "severity":
        return _severity(table, args)
    return _robustness(table, args, rule)


def _rule(args: argparse.Namespace) -> PanelRule:
    try:
        return PanelRule(
            mode=Mode(getattr(args, "mode", Mode.TOTAL.value)),
            method=Method(args.method),
            trim=args.trim,
            min_panel=args.min_panel,
            decimals=args.decimals,
        )
    except ValueError as error:
        message = str(error).replace("min_panel", "--min-panel").replace("× trim", "× --trim")
        raise UsageError(message) from None


def _criteria(table: LongTable) -> tuple[str, ...]:
    return table.criteria if table.criteria is not None else ("score",)


def _weights(table: LongTable, given: dict[str, Decimal] | None) -> tuple[Decimal, ...]:
    keys = _criteria(table)
    given = given or {}
    unknown = sorted(set(given) - set(keys))
    if unknown:
        raise UsageError(
            f"--weights names {unknown[0]!r}, which is not a criterion in {table.path} "
            f"(criteria: {', '.join(keys)})"
        )
    return tuple(given.get(key, Decimal(1)) for key in keys)


def _seat_table(
    table: LongTable, weights: tuple[Decimal, ...], seat_group: NDArray[np.int64] | None = None
) -> tuple[MarkTable, NDArray[np.int64]]:
    """The marks as a MarkTable whose columns are seats, plus each seat's judge (−1: empty).

    By default a participant's seats are its own judges in code order, so the table is
    participants × (largest panel), not participants × (all judges). With `seat_group` (a group
    per judge, the panels), seats are shared by every participant of a group, as the bootstrap
    needs.
    """
    n_p, n_j = len(table.participants), len(table.judges)
    n_c = len(_criteria(table))
    pair = table.participant * n_j + table.judge
    key = pair * n_c + table.criterion
    if seat_group is None and key.size == n_p * n_j * n_c and _is_identity(key):
        # Every judge scored every participant, rows in (participant, judge, criterion) order:
        # the table is the marks reshaped, with no scatter.
        present = np.ones((n_p, n_j), dtype=bool)
        seats = np.broadcast_to(np.arange(n_j, dtype=np.int64), (n_p, n_j))
        values = table.units.reshape(n_p, n_j, n_c)
        return MarkTable(values, present, table.exponent, weights), seats
    order = None if bool((np.diff(key) > 0).all()) else np.argsort(key, kind="stable")
    pair_sorted = pair if order is None else pair[order]
    new_pair = np.ones(pair_sorted.size, dtype=bool)
    new_pair[1:] = pair_sorted[1:] != pair_sorted[:-1]
    pair_of_row = np.cumsum(new_pair) - 1
    firsts = np.flatnonzero(new_pair)
    pairs = pair_sorted[firsts]
    counts = np.diff(np.append(firsts, pair_sorted.size))
    if (counts != n_c).any():
        _incomplete_sheet(table, order, firsts, counts)
    p_of_pair, j_of_pair = pairs // n_j, pairs % n_j
    if seat_group is None:
        new_participant = np.ones(pairs.size, dtype=bool)
        new_participant[1:] = p_of_pair[1:] != p_of_pair[:-1]
        start = np.maximum.accumulate(np.where(new_participant, np.arange(pairs.size), 0))
        seat = np.arange(pairs.size) - start
    else:
        seat = _seat_in_group(seat_group)[j_of_pair]
    width = int(seat.max()) + 1
    values = np.zeros((n_p, width, n_c), dtype=np.int64)
    present = np.zeros((n_p, width), dtype=bool)
    judge_of_seat = np.full((n_p, width), NO_JUDGE, dtype=np.int64)
    units = table.units if order is None else table.units[order]
    criterion = table.criterion if order is None else table.criterion[order]
    values[p_of_pair[pair_of_row], seat[pair_of_row], criterion] = units
    present[p_of_pair, seat] = True
    judge_of_seat[p_of_pair, seat] = j_of_pair
    return MarkTable(values, present, table.exponent, weights), judge_of_seat


def _is_identity(key: NDArray[np.int64]) -> bool:
    return bool(key[0] == 0 and (np.diff(key) == 1).all())


def _seat_in_group(group: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each judge's position among the judges of its group, in code order."""
    seat = np.zeros(group.size, dtype=np.int64)
    counters: dict[int, int] = {}
    for judge, g in enumerate(group.tolist()):
        seat[judge] = counters.get(g, 0)
        counters[g] = seat[judge] + 1
    return seat


def _incomplete_sheet(
    table: LongTable,
    order: NDArray[np.int64] | None,
    firsts: NDArray[np.int64],
    counts: NDArray[np.int64],
) -> None:
    bad = np.flatnonzero(counts != len(_criteria(table)))
    rows = firsts[bad] if order is None else order[firsts[bad]]
    row = int(rows[np.argmin(table.lines[rows])])
    criteria = _criteria(table)
    given = {
        criteria[int(c)]
        for c in table.criterion[
            (table.participant == table.participant[row]) & (table.judge == table.judge[row])
        ]
    }
    missing = [c for c in criteria if c not in given]
    raise InputError(
        table.path,
        int(table.lines[row]),
        f"judge {table.judges[table.judge[row]]!r} scored participant "
        f"{table.participants[table.participant[row]]!r} on {len(given)} of {len(criteria)} "
        f"criteria (missing: {', '.join(missing)})",
    )


def _aggregate(table: LongTable, args: argparse.Namespace, rule: PanelRule) -> str:
    weights = _weights(table, args.weights)
    criteria = _criteria(table)
    chain = []
    for name in filter(None, (part.strip() for part in args.tie_break.split(","))):
        try:
            tie_break = TieBreak.parse(name)
        except ValueError as error:
            raise UsageError(f"--tie-break: {error}") from None
        if tie_break.kind is TieBreakKind.CRITERION and tie_break.criterion not in criteria:
            raise UsageError(f"--tie-break names unknown criterion {tie_break.criterion!r}")
        chain.append(tie_break)
    marks, judge_of_seat = _seat_table(table, weights)
    needs_criteria = any(tb.kind is TieBreakKind.CRITERION for tb in chain)
    scores = aggregate_batch(marks, rule, criterion_marks=needs_criteria)
    ranks, tied, order = rank_batch(scores, chain, criteria)
    output = AggregateOutput(
        participants=table.participants,
        judges=table.judges,
        criteria=criteria,
        rule=rule,
        marks=marks,
        scores=scores,
        judge_of_seat=judge_of_seat,
    )
    if args.json:
        return output.json(order, ranks, tied)
    return output.text(order, ranks, tied)


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=2) + "\n"


def _totals_cells(table: LongTable, weights: tuple[Decimal, ...]) -> Cells:
    from leitai.scoring.severity import Cells  # scipy.sparse is slow to import

    marks, judge_of_seat = _seat_table(table, weights)
    scores = aggregate_batch(marks, PanelRule(method=Method.MEAN))
    present = marks.present
    totals = scores.total_units[present].astype(float) / 10.0**scores.total_exponent
    participant = np.nonzero(present)[0].astype(np.int64)
    judge = judge_of_seat[present]
    return Cells(participant, judge, totals, table.participants, table.judges)


def _reliability(table: LongTable, args: argparse.Namespace) -> str:
    from leitai.scoring.reliability import assess_panel  # scipy.stats is slow to import

    cells = _totals_cells(table, _weights(table, args.weights))
    values = np.zeros((len(cells.participants), len(cells.judges)))
    present = np.zeros(values.shape, dtype=bool)
    values[cells.participant, cells.judge] = cells.mark
    present[cells.participant, cells.judge] = True
    result = assess_panel(values, present, list(cells.judges))
    document = {
        "complete_cases": {
            "participants": result.participants_used,
            "excluded_participants": result.participants_excluded,
            "judges": result.judges,
        },
        "icc": {
            icc.name: {
                "value": icc.value,
                "ci95": list(icc.ci95) if icc.ci95 is not None else None,
                "reason": icc.reason,
            }
            for icc in result.icc
        },
        "kendall_w": {
            "w": result.kendall_w.w,
            "chi2": result.kendall_w.chi2,
            "df": result.kendall_w.df,
            "p": result.kendall_w.p,
            "tie_corrected": result.kendall_w.tie_corrected,
            "reason": result.kendall_w.reason,
        },
        "corridor": result.corridor_width,
        "judges": [
            {
                "judge": d.judge,
                "mean_deviation": d.mean_deviation,
                "mean_abs_deviation": d.mean_abs_deviation,
                "correlation": d.correlation,
                "flagged": d.flagged,
                "cells": d.cells,
                "outside_corridor": d.outside_corridor,
                "reasons": list(d.flag_reasons),
                "correlation_reason": d.correlation_reason,
            }
            for d in result.deviations
        ],
    }
    if args.json:
        return _dumps(document)
    return _reliability_text(document)


def _number(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _reliability_text(document: dict[str, Any]) -> str:
    cases = document["complete_cases"]
    lines = [
        f"complete cases: {cases['participants']} participants × {cases['judges']} judges "
        f"({cases['excluded_participants']} participants excluded: not scored by every judge)",
        "",
        "ICC\tvalue\t95% CI",
    ]
    for name, icc in document["icc"].items():
        ci = icc["ci95"]
        shown = f"[{ci[0]:.4f}, {ci[1]:.4f}]" if ci else "—"
        note = f"\t({icc['reason']})" if icc["reason"] else ""
        lines.append(f"{name}\t{_number(icc['value'])}\t{shown}{note}")
    w = document["kendall_w"]
    lines += [
        "",
        f"Kendall's W (tie-corrected)\t{_number(w['w'])}\tchi2 {_number(w['chi2'])}\t"
        f"df {w['df']}\tp {'—' if w['p'] is None else format(w['p'], '.4g')}"
        + (f"\t({w['reason']})" if w["reason"] else ""),
        "",
        f"corridor ±{_number(document['corridor'])}",
        "judge\tcells\tmean dev\tmean |dev|\tcorrelation\toutside\tflag",
    ]
    for j in document["judges"]:
        flag = "FLAGGED: " + "; ".join(j["reasons"]) if j["flagged"] else ""
        lines.append(
            f"{j['judge']}\t{j['cells']}\t{_number(j['mean_deviation'])}\t"
            f"{_number(j['mean_abs_deviation'])}\t{_number(j['correlation'])}\t"
            f"{j['outside_corridor']}\t{flag}"
        )
    return "\n".join(lines) + "\n"


def _severity(table: LongTable, args: argparse.Namespace) -> str:
    from leitai.scoring.severity import analyse_severity

    report = analyse_severity(_totals_cells(table, _weights(table, args.weights)))
    document = {
        "components": [
            {"participants": len(c.participants), "judges": list(c.judges)}
            for c in report.components
        ],
        "residual_sd": report.residual_sd,
        "judges": [
            {
                "judge": j.judge,
                "component": j.component,
                "marks": j.marks,
                "severity": j.severity,
                "mean": j.mean,
                "sd": j.sd,
                "standardisable": j.standardisable,
            }
            for j in report.judges
        ],
        "participants": [
            {
                "participant": p.participant,
                "component": p.component,
                "judges": p.judges,
                "mean_mark": p.mean_mark,
                "quality": p.quality,
                "standardised": p.standardised,
                "percentile": p.percentile,
            }
            for p in report.participants
        ],
    }
    if args.json:
        return _dumps(document)
    lines = [f"{len(report.components)} connected component(s); compare qualities within one"]
    lines.append("judge\tcomponent\tmarks\tseverity\tmean\tsd")
    for j in report.judges:
        lines.append(
            f"{j.judge}\t{j.component}\t{j.marks}\t{j.severity:+.4f}\t{j.mean:.4f}\t{j.sd:.4f}"
        )
    lines += ["", "participant\tcomponent\tjudges\tmean\tquality\tstandardised\tpercentile"]
    for p in sorted(report.participants, key=lambda p: (p.component, -p.quality, p.participant)):
        lines.append(
            f"{p.participant}\t{p.component}\t{p.judges}\t{p.mean_mark:.4f}\t{p.quality:.4f}\t"
            f"{_number(p.standardised)}\t{p.percentile:.1f}"
        )
    return "\n".join(lines) + "\n"


def _robustness(table: LongTable, args: argparse.Namespace, rule: PanelRule) -> str:
    weights = _weights(table, args.weights)
    cells = _totals_cells(table, weights)
    from leitai.scoring.analysis.robustness import bootstrap_cut
    from leitai.scoring.severity import connected_components

    participant_panel, judge_panel, _ = connected_components(cells)
    marks, _ = _seat_table(table, weights, seat_group=judge_panel)
    result = bootstrap_cut(
        marks, participant_panel, top=args.top, rule=rule, samples=args.samples, seed=args.seed
    )
    places: list[dict[str, Any]] = [
        {
            "participant": table.participants[place.participant],
            "panel": place.panel,
            "score": str(place.score),
            "rank": place.rank,
            "rank_interval": [place.rank_low, place.rank_high],
            "p_top": place.p_in_top,
            "verdict": place.verdict.value,
        }
        for place in result.places
    ]
    if args.json:
        document = {
            "top": result.top,
            "samples": result.samples,
            "seed": result.seed,
            "thresholds": {"surely_in": 0.95, "surely_out": 0.05},
            "participants": places,
        }
        return _dumps(document)
    lines = [
        f"top {result.top}; {result.samples} bootstrap samples over each panel's judges; "
        f"seed {result.seed}",
        "rank\tparticipant\tscore\tpanel\trank 95%\tP(top)\tverdict",
    ]
    for place in places:
        low, high = place["rank_interval"]
        lines.append(
            f"{place['rank']}\t{place['participant']}\t{place['score']}\t{place['panel']}\t"
            f"{low}–{high}\t{place['p_top']:.3f}\t{place['verdict']}"
        )
    return "\n".join(lines) + "\n"
