"""`leitai stats stars`: the star rating's rule over an analyst's file.

    leitai stats stars FILE [--cap 0.30] [--json]

FILE has the columns `unit,group,basic,deductions,bonus,appraisal,veto,months`. CSV out with
exactly the header `unit,total,stars,reason`, one line per unit in file order (total and stars
empty when not rated), the total with 2 places rounded half-up; `--json` gives `{"rows": [...]}`
with decimals as strings. Bad input is an InputError (file, line, problem) or a UsageError;
`cli.main` prints either as one line with exit status 2. docs/scoring.md is the full contract.
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal, InvalidOperation

from leitai.scoring.analysis.cli_evidence import _csv, _dumps
from leitai.scoring.analysis.cli_selection import _first_time, _number
from leitai.scoring.analysis.longtable import InputError, UsageError
from leitai.scoring.analysis.records import read_records
from leitai.scoring.stars import StarError, StarRule, UnitValues, rate_groups

COLUMNS = ("unit", "group", "basic", "deductions", "bonus", "appraisal", "veto", "months")
_WHOLE = re.compile(r"\d+")


def star_rule(args: argparse.Namespace) -> StarRule:
    """The rule the options give, checked before the file is read."""
    try:
        cap = Decimal(args.cap.strip())
    except InvalidOperation:
        cap = Decimal("NaN")
    if not cap.is_finite():
        raise UsageError(f"--cap: {args.cap!r} is not a number")
    try:
        return StarRule(five_star_cap=cap)
    except StarError as error:
        raise UsageError(f"--cap: {str(error).partition(': ')[2]}") from None


def run_stars(args: argparse.Namespace) -> str:
    rule = star_rule(args)
    path = args.file
    records = read_records(path, COLUMNS)
    units: list[tuple[str, str, UnitValues]] = []
    seen: dict[str, int] = {}
    for record in records:
        cells, line = record.cells, record.line
        unit = cells["unit"]
        _first_time(path, line, unit, seen, "unit")
        values: dict[str, Decimal] = {}
        for name, high in (
            ("basic", 100),
            ("deductions", None),
            ("bonus", None),
            ("appraisal", 100),
        ):
            value = _number(path, line, name, cells[name])
            if value < 0 or (high is not None and value > high):
                what = "is not from 0 to 100" if high is not None else "is below 0"
                raise InputError(path, line, f"{name} {cells[name]!r} {what}")
            values[name] = value
        veto = cells["veto"]
        if veto not in ("0", "1"):
            raise InputError(path, line, f"veto {veto!r} is not 0 or 1")
        months = cells["months"]
        if not _WHOLE.fullmatch(months):
            raise InputError(path, line, f"months {months!r} is not a whole number from 0")
        units.append(
            (unit, cells["group"], UnitValues(veto=veto == "1", months=int(months), **values))
        )
    ratings = rate_groups(units, rule)
    if args.json:
        return _dumps(
            {
                "rows": [
                    {
                        "unit": unit,
                        "group": group,
                        "total": None if r.total is None else str(r.total),
                        "stars": r.stars,
                        "reason": r.reason.value,
                        "capped": r.capped,
                        "tied": r.tied,
                    }
                    for (unit, group, _), r in zip(units, ratings, strict=True)
                ]
            }
        )
    return _csv(
        ("unit", "total", "stars", "reason"),
        (
            (
                unit,
                "" if r.total is None else str(r.total),
                "" if r.stars is None else str(r.stars),
                r.reason.value,
            )
            for (unit, _, _), r in zip(units, ratings, strict=True)
        ),
    )
