"""Reads of the daily data that pages and other apps (selection, ratings) call: plain values.

Only values of current imports count, and of those, for each unit and month, the values of the
import made current last (the highest generation): a re-imported month replaces the earlier
figures at once, even before the replaced rows are cleaned away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.evidence.rules_daily import daily_rule_for, reference_date
from leitai.scoring.daily import DailyRule, DailyScore, Month, window
from leitai.scoring.daily import daily_score as score_values

Figure = int | Decimal


def month_number(month: Month) -> int:
    """2026-03 → 202603, as periods are stored."""
    year, _, number = str(month).partition("-")
    return int(year) * 100 + int(number)


def month_of(period: int) -> Month:
    return Month.parse(f"{period // 100:04d}-{period % 100:02d}")


@dataclass(frozen=True)
class SourceImport:
    id: int
    file_name: str
    current_at: datetime | None
    generation: int


def current_imports() -> dict[int, SourceImport]:
    """Every current import (a short table: one row per file ever imported)."""
    return {
        pk: SourceImport(pk, name, at, generation or 0)
        for pk, name, at, generation in DailyImport.objects.filter(
            state=DailyImportState.CURRENT
        ).values_list("pk", "file_name", "current_at", "generation")
    }


def _figure(metric_is_count: bool, value: Decimal) -> Figure:
    return int(value) if metric_is_count else value.normalize() if value else Decimal(0)


def _resolve(
    rows: Iterable[tuple[int, int, str, Decimal, int]],
    imports: Mapping[int, SourceImport],
    rule: DailyRule,
) -> dict[int, dict[tuple[str, int], tuple[Figure, int]]]:
    """unit → {(metric, period): (value, import)}, keeping for each unit and month only the
    latest current import's values."""
    counts = {m.key for m in rule.metrics if m.kind.value == "count"}
    latest: dict[tuple[int, int], int] = {}
    kept: dict[int, dict[tuple[str, int], tuple[Figure, int]]] = defaultdict(dict)
    pending = []
    for unit_id, period, metric, value, import_id in rows:
        source = imports.get(import_id)
        if source is None:
            continue
        key = (unit_id, period)
        best = latest.get(key)
        if best is None or imports[best].generation < source.generation:
            latest[key] = import_id
        pending.append((unit_id, period, metric, value, import_id))
    for unit_id, period, metric, value, import_id in pending:
        if latest[(unit_id, period)] == import_id:
            kept[unit_id][(metric, period)] = (_figure(metric in counts, value), import_id)
    return kept


def unit_values(
    unit_id: int, first: Month, last: Month, *, rule: DailyRule | None = None
) -> tuple[dict[tuple[str, int], tuple[Figure, int]], dict[int, SourceImport]]:
    """One unit's figures over the months first..last: {(metric, yyyymm): (value, import id)},
    and the imports they came from."""
    rule = rule or daily_rule_for()
    imports = current_imports()
    rows = DailyValue.objects.filter(
        unit_id=unit_id,
        period__gte=month_number(first),
        period__lte=month_number(last),
        daily_import_id__in=list(imports),
    ).values_list("unit_id", "period", "metric", "value", "daily_import_id")
    return _resolve(rows, imports, rule).get(unit_id, {}), imports


def score_of(
    values: Mapping[tuple[str, int], tuple[Figure, int]],
    rule: DailyRule,
    first: Month,
    last: Month,
    *,
    founded: date | None,
    has_party_groups: bool | None,
) -> DailyScore:
    return score_values(
        {(metric, month_of(period)): value for (metric, period), (value, _i) in values.items()},
        rule,
        first,
        last,
        founded=Month.of(founded) if founded is not None else None,
        has_party_groups=has_party_groups,
    )


def judged_window(rule: DailyRule, on: date | None = None) -> tuple[Month, Month]:
    return window(on or reference_date(), rule.window_months)


def daily_score(unit: Any, *, on: date | None = None) -> DailyScore:
    """A unit's daily-data score on a date (default today), by the rule in force for it."""
    rule = daily_rule_for(unit)
    first, last = judged_window(rule, on)
    values, _imports = unit_values(unit.pk, first, last, rule=rule)
    return score_of(
        values,
        rule,
        first,
        last,
        founded=unit.founded,
        has_party_groups=unit.has_party_groups,
    )


@dataclass(frozen=True)
class UnitScore:
    score: Decimal | None
    flag: str


def scores_of_units(
    units: Iterable[tuple[int, date | None, bool | None]], *, on: date | None = None
) -> dict[int, UnitScore]:
    """Scores of many units (id, founded, has party groups), in one read of the window's values;
    cached per set of current imports and window, so an overview reads the database once after
    each import."""
    rule = daily_rule_for()
    first, last = judged_window(rule, on)
    imports = current_imports()
    units = list(units)
    version = ",".join(
        f"{i.id}:{i.generation}" for i in sorted(imports.values(), key=lambda s: s.id)
    )
    key = f"evidence:daily-scores:{first}:{last}:{hash(version)}:{len(units)}:{hash(tuple(units))}"
    cached: dict[int, UnitScore] | None = cache.get(key)
    if cached is not None:
        return cached
    wanted = {unit_id for unit_id, _f, _g in units}
    rows = (
        row
        for row in DailyValue.objects.filter(
            period__gte=month_number(first),
            period__lte=month_number(last),
            daily_import_id__in=list(imports),
        )
        .values_list("unit_id", "period", "metric", "value", "daily_import_id")
        .iterator(chunk_size=20_000)
        if row[0] in wanted
    )
    values = _resolve(rows, imports, rule)
    result = {}
    for unit_id, founded, groups in units:
        outcome = score_of(
            values.get(unit_id, {}),
            rule,
            first,
            last,
            founded=founded,
            has_party_groups=groups,
        )
        result[unit_id] = UnitScore(outcome.score, outcome.flag.value)
    cache.set(key, result, 3600)
    return result
