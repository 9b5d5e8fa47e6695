"""`leitai stats honours` and `leitai stats daily`: the evidence rules over an analyst's file.

    leitai stats honours FILE --on YYYY-MM-DD [--window-years 3] [--cap 15]
                              [--points national=10,provincial=8,…] [--json]
    leitai stats daily FILE --from YYYY-MM --to YYYY-MM [--founded FILE2] [--json]

CSV out with exactly the header named (`unit,points,component`; `unit,score,flag`), one line per
unit in order of first appearance, decimals with 2 places rounded half-up; `--json` gives
`{"rows": [...]}` with decimals as strings. Bad input is an InputError (file, line, problem) or
a UsageError; `cli.main` prints either as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from array import array
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leitai.scoring.analysis.daily_batch import (
    NOT_FOUNDED,
    DailyBatch,
    array_value,
    build_arrays,
    daily_batch,
)
from leitai.scoring.analysis.longtable import InputError, UsageError
from leitai.scoring.analysis.records import iter_records, read_records
from leitai.scoring.daily import DailyError, DailyRule, Metric, Month, check_value
from leitai.scoring.exact import units_to_decimal
from leitai.scoring.honours import (
    Honour,
    HonoursError,
    HonoursRule,
    Level,
    honours_score,
    normalise_document,
    parse_level,
)


def run_evidence(args: argparse.Namespace) -> str:
    if args.command == "honours":
        return _honours(args)
    return _daily(args)


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=2) + "\n"


# --- honours -------------------------------------------------------------------------------------


def honours_rule(args: argparse.Namespace) -> HonoursRule:
    """The rule the options give, checked before the file is read."""
    points: dict[str, object] = {}
    for part in [] if args.points is None else args.points.split(","):
        word, sep, value = part.partition("=")
        if not sep or not word.strip() or not value.strip():
            raise UsageError(f"--points: expected LEVEL=POINTS,…, got {part!r}")
        try:
            level = parse_level(word, field="--points")
        except HonoursError as error:
            raise UsageError(str(error)) from None
        if level.value in points:
            raise UsageError(f"--points: {level.value} given twice")
        points[level.value] = value.strip()
    record = {"points": points, "window_years": args.window_years, "cap": args.cap}
    try:
        return HonoursRule.from_record(record)
    except HonoursError as error:
        field = {"cap": "--cap", "window_years": "--window-years"}.get(error.field)
        where = field or "--" + error.field.replace("_", "-")
        raise UsageError(f"{where}: {str(error).partition(': ')[2]}") from None


def _honours(args: argparse.Namespace) -> str:
    rule = honours_rule(args)
    records = read_records(args.file, ("unit", "document", "level", "date"))
    units: dict[str, list[Honour]] = {}
    seen: dict[tuple[str, str], tuple[int, date]] = {}  # (unit, document) → first line, date
    keys: dict[tuple[str, str, Level], int] = {}
    for record in records:
        cells, line = record.cells, record.line
        unit = cells["unit"]
        try:
            level = parse_level(cells["level"])
        except HonoursError as error:
            raise InputError(args.file, line, str(error)) from None
        day = _day(args.file, line, cells["date"])
        document = normalise_document(cells["document"])
        key = (unit, document, level)
        if key in keys:
            raise InputError(
                args.file,
                line,
                f"duplicate honour (unit {unit!r}, document {cells['document']!r}, level "
                f"{level.value}); first given on line {keys[key]}",
            )
        keys[key] = line
        earlier = seen.setdefault((unit, document), (line, day))
        if earlier[1] != day:
            raise InputError(
                args.file,
                line,
                f"document {cells['document']!r} of unit {unit!r} is dated {day.isoformat()} "
                f"here and {earlier[1].isoformat()} on line {earlier[0]}",
            )
        units.setdefault(unit, []).append(Honour(cells["document"], level, day, line))
    rows = []
    for unit, honours in units.items():
        score = honours_score(honours, rule, args.on)
        rows.append((unit, score.points, score.uncapped, score.capped, score.component))
    if args.json:
        return _dumps(
            {
                "rows": [
                    {
                        "unit": unit,
                        "points": points,
                        "component": str(component),
                        "uncapped": uncapped,
                        "capped": capped,
                    }
                    for unit, points, uncapped, capped, component in rows
                ]
            }
        )
    return _csv(
        ("unit", "points", "component"),
        ((unit, str(points), str(component)) for unit, points, _, _, component in rows),
    )


def _day(path: str, line: int, text: str) -> date:
    try:
        return date.fromisoformat(text[:10] if len(text) > 10 and text[10] == " " else text)
    except ValueError:
        raise InputError(path, line, f"date {text!r} is not a date (YYYY-MM-DD)") from None


# --- daily ---------------------------------------------------------------------------------------


_YES = {"1", "yes", "y", "true", "是", "有"}
_NO = {"0", "no", "n", "false", "否", "无"}


def _daily(args: argparse.Namespace) -> str:
    first, last = args.from_month, args.to_month
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    rule = DailyRule.DEFAULT
    units: dict[str, int] = {}
    position = {metric.key: index for index, metric in enumerate(rule.metrics)}
    # One entry per record; the texts of periods, metrics and values repeat, so each distinct
    # one is checked once.
    # Compact columns, 17 bytes a record (int32; the metric's position int8): a province's
    # 32.4 M records take some 550 MB.
    unit_of, month_of, value_of, line_of = (array("i") for _ in range(4))
    metric_of = array("b")
    months: dict[str, Month] = {}
    metrics: dict[str, Metric] = {}
    checked: dict[tuple[str, str], int] = {}
    for record in iter_records(args.file, ("unit", "period", "metric", "value")):
        cells, line = record.cells, record.line
        unit = units.setdefault(cells["unit"], len(units))
        try:
            month = months.get(cells["period"]) or _month_of_cell(
                record.raw["period"], cells["period"]
            )
            metric = metrics.get(cells["metric"]) or rule.metric(cells["metric"])
            value = checked.get((metric.key, cells["value"]))
            if value is None:
                value = array_value(metric, check_value(metric, cells["value"]))
        except DailyError as error:
            raise InputError(args.file, line, str(error)) from None
        if not isinstance(record.raw["period"], date):
            months[cells["period"]] = month
        metrics[cells["metric"]] = metric
        checked[metric.key, cells["value"]] = value
        unit_of.append(unit)
        month_of.append(month.index)
        metric_of.append(position[metric.key])
        value_of.append(value)
        line_of.append(line)
    unit_array = np.frombuffer(unit_of, dtype=np.int32)
    month_array = np.frombuffer(month_of, dtype=np.int32)
    metric_array = np.frombuffer(metric_of, dtype=np.int8)
    line_array = np.frombuffer(line_of, dtype=np.int32)
    _refuse_duplicates(
        args.file, list(units), rule, unit_array, month_array, metric_array, line_array
    )
    founded, groups = _founded(args.founded, units) if args.founded else ({}, {})
    n_units = len(units)
    founded_of = np.full(n_units, NOT_FOUNDED, dtype=np.int64)
    for unit, month in founded.items():
        founded_of[unit] = month.index
    groups_of = np.full(n_units, -1, dtype=np.int8)
    for unit, has in groups.items():
        groups_of[unit] = int(has)
    arrays = build_arrays(
        rule,
        first,
        last,
        n_units,
        unit=unit_array,
        month=month_array,
        metric=metric_array,
        value=np.frombuffer(value_of, dtype=np.int32),
        founded=founded_of,
        party_groups=groups_of,
    )
    return _daily_output(list(units), daily_batch(arrays, rule), rule, args.json)


def _refuse_duplicates(
    path: str,
    units: list[str],
    rule: DailyRule,
    unit: NDArray[np.int32],
    month: NDArray[np.int32],
    metric: NDArray[np.int8],
    line: NDArray[np.int32],
) -> None:
    """InputError at the first line (in file order) that repeats a unit, period and metric.
    Whether any repeats is found by sorting the keys alone; only then are their lines sought."""
    if unit.size < 2:
        return
    n_metrics = len(rule.metrics)
    offset = month.astype(np.int64) - int(month.min())
    key = (unit.astype(np.int64) * (int(offset.max()) + 1) + offset) * n_metrics + metric
    del offset
    ordered = np.sort(key)
    if not np.any(ordered[1:] == ordered[:-1]):
        return
    del ordered
    order = np.argsort(key, kind="stable")
    repeated = np.flatnonzero(key[order][1:] == key[order][:-1])
    if repeated.size == 0:
        return
    later = order[repeated + 1]  # every row but the first of its key, in file order per key
    row = int(later[np.argmin(line[later])])
    start = np.flatnonzero(key == key[row])[0]  # rows are in file order
    raise InputError(
        path,
        int(line[row]),
        f"duplicate value (unit {units[int(unit[row])]!r}, period "
        f"{Month.from_index(int(month[row]))}, metric {rule.metrics[int(metric[row])].name}); "
        f"first given on line {int(line[start])}",
    )


def _month_of_cell(raw: object, text: str, field: str = "period") -> Month:
    """A month from a cell: "2026-01", or the date Excel made of it (2026-01-01 in a date cell)."""
    if isinstance(raw, date):
        return Month.of(raw)
    return Month.parse(text, field=field)


def _founded(path: str, units: dict[str, int]) -> tuple[dict[int, Month], dict[int, bool]]:
    """Founding months (and party groups, from an optional `party_groups` column) by unit.
    Units not in FILE are added after its own, in this file's order."""
    records = read_records(path, ("unit", "founded"), ("party_groups",))
    founded: dict[int, Month] = {}
    groups: dict[int, bool] = {}
    lines: dict[str, int] = {}
    for record in records:
        cells, line = record.cells, record.line
        name = cells["unit"]
        if name in lines:
            raise InputError(
                path, line, f"duplicate unit {name!r}; first given on line {lines[name]}"
            )
        lines[name] = line
        try:
            month = _month_of_cell(record.raw["founded"], cells["founded"], field="founded")
        except DailyError as error:
            raise InputError(path, line, str(error)) from None
        unit = units.setdefault(name, len(units))
        founded[unit] = month
        text = cells.get("party_groups", "").lower()
        if text in _YES:
            groups[unit] = True
        elif text in _NO:
            groups[unit] = False
        elif text:
            raise InputError(path, line, f"party_groups {cells['party_groups']!r} is not yes or no")
    return founded, groups


def _daily_output(units: list[str], batch: DailyBatch, rule: DailyRule, as_json: bool) -> str:
    scores = [str(units_to_decimal(int(value), 2)) for value in batch.score.tolist()]
    flags = np.where(batch.young, "young", np.where(batch.no_records, "no_records", ""))
    shown = [
        ("" if young else score, str(flag))
        for score, young, flag in zip(scores, batch.young.tolist(), flags.tolist(), strict=True)
    ]
    if not as_json:
        return _csv(
            ("unit", "score", "flag"),
            ((unit, score, flag) for unit, (score, flag) in zip(units, shown, strict=True)),
        )
    keys = [metric.key for metric in rule.metrics]
    rows = []
    for u, unit in enumerate(units):
        score, flag = shown[u]
        completion: dict[str, str | None] = {
            key: str(units_to_decimal(int(batch.completion[u, k]), 2))
            if batch.judged[u, k]
            else None
            for k, key in enumerate(keys)
        }
        rows.append(
            {
                "unit": unit,
                "score": score or None,
                "flag": flag,
                "first": str(Month.from_index(int(batch.first[u]))) if flag != "young" else None,
                "completion": completion,
            }
        )
    return _dumps({"rows": rows})
