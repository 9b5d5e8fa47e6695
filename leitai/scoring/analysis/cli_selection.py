"""`leitai stats quota` and `leitai stats composite`: the selection rules over an analyst's file.

    leitai stats quota FILE --seats N [--minimum 1] [--json]
    leitai stats composite FILE --top N [--weights arena=30,reeval=30,daily=25,honours=15]
                                [--tie-break reeval,arena,daily,honours] [--json]

CSV out with exactly the header named (`unit,seats`; `candidate,composite,rank,status`),
decimals with 2 places rounded half-up; `--json` gives `{"rows": [...]}` with decimals as
strings. Bad input is an InputError (file, line, problem) or a UsageError; `cli.main` prints
either as one line with exit status 2. docs/scoring.md is the full contract.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

import numpy as np

from leitai.scoring.analysis.cli_evidence import _csv, _dumps
from leitai.scoring.analysis.longtable import InputError, UsageError
from leitai.scoring.analysis.records import read_records
from leitai.scoring.exact import decimal_places, round_half_up, units_to_decimal
from leitai.scoring.quotas import QuotaError, apportion
from leitai.scoring.selection import (
    COMPONENTS,
    ComponentArrays,
    CompositeRule,
    SelectionError,
    determine,
)


def run_selection(args: argparse.Namespace) -> str:
    if args.command == "quota":
        return _quota(args)
    return _composite(args)


def _number(path: str, line: int, name: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(path, line, f"{name} {text!r} is not a number")
    return value


def _first_time(path: str, line: int, key: str, seen: dict[str, int], what: str) -> None:
    if key in seen:
        raise InputError(path, line, f"duplicate {what} {key!r}; first given on line {seen[key]}")
    seen[key] = line


# --- quota ---------------------------------------------------------------------------------------


def _quota(args: argparse.Namespace) -> str:
    records = read_records(args.file, ("unit", "weight"))
    units: list[str] = []
    weights: list[Decimal] = []
    seen: dict[str, int] = {}
    for record in records:
        unit, line = record.cells["unit"], record.line
        _first_time(args.file, line, unit, seen, "unit")
        weight = _number(args.file, line, "weight", record.cells["weight"])
        if weight < 0:
            raise InputError(args.file, line, f"weight {record.cells['weight']!r} is below 0")
        units.append(unit)
        weights.append(weight)
    try:
        allotments = apportion(weights, args.seats, args.minimum)
    except QuotaError as error:
        problem = str(error).removeprefix("seats: ")
        raise InputError(args.file, None, f"--seats: {problem}") from None
    if not args.json:
        return _csv(
            ("unit", "seats"), ((u, str(a.seats)) for u, a in zip(units, allotments, strict=True))
        )
    return _dumps(
        {
            "rows": [
                {
                    "unit": unit,
                    "weight": str(weight),
                    "seats": a.seats,
                    "share": str(round_half_up(a.share, 2)),
                    "share_exact": str(a.share),
                    "minimum": a.minimum,
                    "whole": a.whole,
                    "remainder_seat": bool(a.extra),
                    "why": a.why.value,
                    "tie_decided_by": a.tie_decided_by.value if a.tie_decided_by else None,
                }
                for unit, weight, a in zip(units, weights, allotments, strict=True)
            ]
        }
    )


# --- composite -----------------------------------------------------------------------------------


def composite_rule(args: argparse.Namespace) -> CompositeRule:
    """The rule the options give, checked before the file is read."""
    weights: dict[str, object] | None = None
    if args.weights is not None:
        weights = {}
        for part in args.weights.split(","):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or not name or not value.strip():
                raise UsageError(f"--weights: expected NAME=WEIGHT,…, got {part!r}")
            if name in weights:
                raise UsageError(f"--weights: {name} given twice")
            weights[name] = value.strip()
    chain = [part.strip() for part in args.tie_break.split(",") if part.strip()]
    record: dict[str, object] = {"tie_breaks": chain}
    if weights is not None:
        record["weights"] = weights
    try:
        return CompositeRule.from_record(record)
    except SelectionError as error:
        where = "--tie-break" if error.field == "tie_breaks" else "--weights"
        raise UsageError(f"{where}: {str(error).partition(': ')[2]}") from None


def _composite(args: argparse.Namespace) -> str:
    rule = composite_rule(args)
    records = read_records(args.file, ("candidate", *COMPONENTS), ("veto",))
    names: list[str] = []
    seen: dict[str, int] = {}
    hundredths: list[list[int]] = [[] for _ in COMPONENTS]
    vetoed: list[bool] = []
    for record in records:
        cells, line = record.cells, record.line
        name = cells["candidate"]
        _first_time(args.file, line, name, seen, "candidate")
        for k, component in enumerate(COMPONENTS):
            value = _number(args.file, line, component, cells[component])
            if not 0 <= value <= 100:
                raise InputError(
                    args.file, line, f"{component} {cells[component]!r} is not from 0 to 100"
                )
            if decimal_places(value) > 2:
                raise InputError(
                    args.file, line, f"{component} {cells[component]!r} has more than 2 decimals"
                )
            hundredths[k].append(int(value * 100))
        veto = cells.get("veto", "")
        if veto not in ("", "0", "1"):
            raise InputError(args.file, line, f"veto {veto!r} is not 0 or 1")
        vetoed.append(veto == "1")
        names.append(name)
    numerators = tuple(np.array(column, dtype=np.int64) for column in hundredths)
    denominators = tuple(np.full(len(names), 100, dtype=np.int64) for _ in COMPONENTS)
    arrays = ComponentArrays(numerators, denominators)  # type: ignore[arg-type]
    composites, cut = determine(arrays, np.array(vetoed, dtype=bool), args.top, rule)
    rows = []
    for i in cut.order.tolist():
        rank = int(cut.rank[i])
        decided = int(cut.decided_by[i])
        rows.append(
            {
                "candidate": names[i],
                "composite": str(units_to_decimal(int(composites[i]), 2)),
                "rank": rank or None,
                "status": cut.status_of(i).value,
                "decided_by": rule.tie_breaks[decided] if decided >= 0 else None,
                "components": {
                    c: str(units_to_decimal(int(numerators[k][i]), 2))
                    for k, c in enumerate(COMPONENTS)
                },
            }
        )
    if args.json:
        return _dumps({"rows": rows})
    return _csv(
        ("candidate", "composite", "rank", "status"),
        (
            (row["candidate"], row["composite"], str(row["rank"] or ""), row["status"])
            for row in rows
        ),
    )
