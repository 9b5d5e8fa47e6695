"""Reads of the daily data that pages and other apps (selection, ratings) call: plain values.

Only values of current imports count, and of those, for each unit and month, the values of the
import made current last (the highest generation): a re-imported month replaces the earlier
figures at once, even before the replaced rows are cleaned away.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection

from leitai.evidence.models import DailyImport, DailyImportState, DailyValue
from leitai.evidence.rules_daily import daily_rule_for, reference_date
from leitai.scoring.daily import DailyRule, DailyScore, Flag, MetricKind, Month, window
from leitai.scoring.daily import daily_score as score_values
from leitai.scoring.evidence import flatten

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


def _window_rows(
    first: Month, last: Month, imports: Mapping[int, SourceImport]
) -> list[tuple[int, int, str, Any, int]]:
    """Every current value of the window: (unit, yyyymm, metric, value, import), one query, no
    model instances (a province's window is millions of rows)."""
    if not imports:
        return []
    table = connection.ops.quote_name(DailyValue._meta.db_table)
    marks = ", ".join(["%s"] * len(imports))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id, period, metric, value, daily_import_id FROM {table} "
            f"WHERE period >= %s AND period <= %s AND daily_import_id IN ({marks})",
            [month_number(first), month_number(last), *imports],
        )
        return list(cursor.fetchall())


def scores_of_units(
    units: Iterable[tuple[int, date | None, bool | None]],
    *,
    on: date | None = None,
    rule: DailyRule | None = None,
) -> dict[int, UnitScore]:
    """Scores of many units (id, founded, has party groups): one read of the window's values and
    one numpy pass (leitai.scoring.analysis.daily_batch, equal to `daily_score` to the last
    digit), cached per set of current imports, rule, window and units. The rule is the current
    programme's unless given."""
    # numpy is loaded when first needed: a process that serves no overview never pays for it.
    import numpy as np

    from leitai.scoring.analysis.daily_batch import NOT_FOUNDED, build_arrays, daily_batch

    rule = rule or daily_rule_for()
    first, last = judged_window(rule, on)
    imports = current_imports()
    units = list(units)
    fingerprint = hashlib.sha256(
        repr(
            (
                sorted((i.id, i.generation) for i in imports.values()),
                sorted(flatten(rule.to_record()).items()),
                str(first),
                str(last),
                units,
            )
        ).encode()
    ).hexdigest()
    key = f"evidence:daily-scores:{fingerprint}"
    cached: dict[int, UnitScore] | None = cache.get(key)
    if cached is not None:
        return cached
    ids = np.array([unit_id for unit_id, _f, _g in units], dtype=np.int64)
    order = np.argsort(ids)
    rows = _window_rows(first, last, imports)
    position = {m.key: i for i, m in enumerate(rule.metrics)}
    scale = [
        (m.kind is MetricKind.RATIO, m.requirement) for m in rule.metrics
    ]  # a count is capped at its requirement, a ratio in ten-thousandths
    unit = np.array([r[0] for r in rows], dtype=np.int64)
    period = np.array([r[1] for r in rows], dtype=np.int64)
    metric = np.array([position.get(r[2], -1) for r in rows], dtype=np.int64)
    value = np.array(
        [
            round(float(r[3]) * 10_000) if scale[m][0] else min(int(r[3]), scale[m][1])
            for r, m in zip(rows, metric.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    generation = np.array([imports[r[4]].generation for r in rows], dtype=np.int64)
    # Of each unit's month, only the latest current import's values count.
    cell = unit * 1_000_000 + period
    _cells, inverse = np.unique(cell, return_inverse=True)
    latest = np.full(len(_cells), -1, dtype=np.int64)
    np.maximum.at(latest, inverse, generation)
    found = np.searchsorted(ids, unit, sorter=order) if len(ids) else np.zeros(0, np.int64)
    found = np.minimum(found, max(len(ids) - 1, 0))
    place = order[found] if len(ids) else found
    keep = (generation == latest[inverse]) & (metric >= 0)
    keep &= ids[place] == unit if len(ids) else np.zeros(len(unit), dtype=bool)
    month = (period // 100) * 12 + period % 100 - 1  # Month.index
    arrays = build_arrays(
        rule,
        first,
        last,
        len(units),
        unit=place[keep],
        month=month[keep],
        metric=metric[keep],
        value=value[keep],
        founded=np.array(
            [NOT_FOUNDED if f is None else Month.of(f).index for _u, f, _g in units],
            dtype=np.int64,
        ),
        party_groups=np.array([-1 if g is None else int(g) for _u, _f, g in units], dtype=np.int8),
    )
    batch = daily_batch(arrays, rule)
    result = {}
    for index, (unit_id, _f, _g) in enumerate(units):
        if batch.young[index]:
            result[unit_id] = UnitScore(None, Flag.YOUNG.value)
            continue
        flag = Flag.NO_RECORDS if batch.no_records[index] else Flag.NONE
        result[unit_id] = UnitScore(Decimal(int(batch.score[index])).scaleb(-2), flag.value)
    cache.set(key, result, 3600)
    return result
