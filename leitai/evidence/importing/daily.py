"""Importing the platform's daily data: check → preview → confirm → staged write → current.

The file is long (unit code, period, metric, value: one figure a line) or wide (unit code,
period, one column per metric), with Chinese or English headers; which one is read from the
header. One streaming pass checks every row (unknown or out-of-scope unit, malformed or future
period, unknown metric, a value the metric's kind refuses, a unit, month and metric given twice)
and, when importing, hands the good rows to the service that stages them in batches. Memory stays
bounded, never a dict per row: a check keeps each row only as one 64-bit key (for the duplicate
check) and its row number, 12 bytes; an import keeps nothing per row — the table's unique index
refuses a duplicate, and only then does a second pass name every problem with its rows.

All or nothing: any problem discards what was staged and nothing becomes visible.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.db import IntegrityError
from django.utils.translation import gettext as _

from leitai.accounts.permissions import is_superuser, organised_scope_q
from leitai.core.imports import (
    ImportRejected,
    Plan,
    PlanDigest,
    Progress,
    RowProblem,
    StalePlan,
)
from leitai.core.models import ImportJob
from leitai.core.tabular import Column, FileProblem, Sheet, open_sheet
from leitai.evidence.models import DailyImport, DailyImportState
from leitai.evidence.rules_daily import daily_rule_for, reference_date
from leitai.evidence.services.daily import (
    Summary,
    ValueRow,
    clean_replaced,
    discard_abandoned,
    discard_import,
    make_current,
    open_import,
    period_text,
    stage_values,
)
from leitai.orgs.models import Unit
from leitai.scoring.daily import DailyError, DailyRule, Metric, check_value

COLUMNS = [
    Column("unit_code", ("单位编码", "组织编码", "编码", "unit code", "unit")),
    Column("period", ("期间", "月份", "统计月份", "period", "month")),
    Column("metric", ("指标", "指标名称", "metric"), required=False),
    Column("value", ("数值", "值", "value"), required=False),
]
HEADERS_ZH = [c.headers[0] for c in COLUMNS]
PROBLEMS_KEPT = 10_000
PROGRESS_EVERY = 20_000
VALUE_CACHE = 100_000
_PERIOD = re.compile(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?(?:[-/.]0?1(?:\s+00:00:00)?)?$")


def _silent(phase: str, rows: int) -> None:
    return None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def parse_period(text: str, latest: int) -> tuple[int | None, str]:
    """(yyyymm, "") or (None, the reason). Accepts 2026-03, 2026/3, 202603, 2026年3月 and a
    spreadsheet date on the first of the month."""
    match = _PERIOD.match(text.replace("-01 00:00:00", "") if len(text) > 10 else text)
    if match is None:
        return None, _("Not a month; write it as YYYY-MM (2026-03).")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        return None, _("Not a month; write it as YYYY-MM (2026-03).")
    period = year * 100 + month
    if period > latest:
        return None, _("A month in the future.")
    return period, ""


def reason_of(error: DailyError) -> str:
    """The rule's refusal of a value, worded for the row's message (the row names the field and
    the value already)."""
    template = error.phrase.template
    if "whole number" in template:
        return _("Not a whole number of 0 or more.")
    if "ratio from 0 to 1" in template:
        return _("Not a ratio from 0 to 1.")
    if "more than 4 decimals" in template:
        return _("A ratio has at most 4 decimals.")
    return _("Not a number.")


@dataclass
class Checked:
    """What one pass over the file found."""

    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_total: int = 0
    periods: dict[int, int] = field(default_factory=dict)  # yyyymm → rows
    units: set[int] = field(default_factory=set)
    keys: array[int] = field(default_factory=lambda: array("q"))  # unit, month, metric
    lines: array[int] = field(default_factory=lambda: array("i"))  # its row

    def problem(self, row: int, column: str, value: str, reason: str) -> None:
        self.problem_total += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(RowProblem(row, column, value[:200], reason))


class Reader:
    """One pass over the file: checks every row and yields the good ones as value rows."""

    def __init__(self, path: Path, original_name: str, *, actor: Any, rule: DailyRule) -> None:
        self.rule = rule
        self.metrics: list[Metric] = list(rule.metrics)
        metric_columns = [Column(m.key, (m.name,), required=False) for m in self.metrics]
        self.sheet: Sheet = open_sheet(path, COLUMNS + metric_columns, original_name)
        found = set(self.sheet.field_of_column.values())
        self.wide = [m for m in self.metrics if m.key in found]
        self.long = "metric" in found or "value" in found
        if self.long and not {"metric", "value"} <= found:
            raise FileProblem(
                _("A file in long form needs both a metric and a value column (指标, 数值).")
            )
        if self.long and self.wide:
            raise FileProblem(
                _(
                    "The header has both a metric column and columns named after metrics; use "
                    "one form: unit code, period, metric, value — or unit code, period and one "
                    "column per metric."
                )
            )
        if not self.long and not self.wide:
            raise FileProblem(
                _(
                    "The header has neither metric and value columns nor a column named after a "
                    "metric (%(names)s)."
                )
                % {"names": "、".join(m.name for m in self.metrics)}
            )
        self.header = {f: self.sheet.header_text(f) for f in found}
        self.metric_of: dict[str, tuple[int, Metric]] = {}
        for index, metric in enumerate(self.metrics):
            self.metric_of[metric.key.lower()] = (index, metric)
            self.metric_of[metric.name] = (index, metric)
        today = reference_date()
        self.latest = today.year * 100 + today.month
        scope = Unit.objects.all()
        if not is_superuser(actor):
            scope = scope.filter(organised_scope_q(actor))
        self.unit_ids: dict[str, int] = dict(scope.values_list("code", "id").iterator(5000))
        self.checked = Checked()

    def values(self, progress: Progress, *, keys: bool = True) -> Iterator[ValueRow]:
        """The good rows; after the first problem the rest is only checked, not yielded.

        With `keys` (a check, nothing written) every row's key and number are kept for the
        duplicate check, 12 bytes a row. Without them (the rows are being written) the table's
        unique index refuses a duplicate instead, and memory stays that of the unit codes."""
        checked = self.checked
        collect = keys
        fields = ["unit_code", "period", *(["metric", "value"] if self.long else [])]
        fields += [m.key for m in self.wide]
        outside: dict[str, list[int]] = {}
        periods: dict[str, tuple[int | None, str]] = {}
        unit_ids = self.unit_ids
        row_keys, lines = checked.keys, checked.lines
        wide = [(index, m) for index, m in enumerate(self.metrics) if m in self.wide]
        # A file holds few distinct values (counts 0–9, ratios of four places): each is checked
        # once, which is most of the time a row costs at a province's 32.4 M rows.
        known_values: dict[tuple[int, str], int | Decimal] = {}
        for number, cells in self.sheet.tuples(fields):
            code, period_cell = cells[0], cells[1]
            ok = True
            unit_id = unit_ids.get(code)
            if unit_id is None:
                if not code:
                    checked.problem(
                        number, self.header["unit_code"], "", _("The unit code is empty.")
                    )
                else:
                    outside.setdefault(code, []).append(number)
                ok = False
            known = periods.get(period_cell)
            if known is None:
                known = periods[period_cell] = parse_period(period_cell, self.latest)
            period, reason = known
            if period is None:
                checked.problem(number, self.header["period"], period_cell, reason)
                ok = False
            pairs: list[tuple[str, str, int | None]]
            if self.long:
                pairs = [(cells[2], cells[3], None)]
            else:
                pairs = [(m.key, cells[2 + i], i) for i, (_index, m) in enumerate(wide)]
            for name, text, position in pairs:
                if position is None:
                    found = self.metric_of.get(name) or self.metric_of.get(name.lower())
                    if found is None:
                        checked.problem(
                            number,
                            self.header["metric"],
                            name,
                            _("Unknown metric; allowed: %(names)s.")
                            % {"names": "、".join(m.name for m in self.metrics)},
                        )
                        ok = False
                        continue
                    column = self.header["value"]
                    if not text:
                        checked.problem(number, column, "", _("The value is empty."))
                        ok = False
                        continue
                else:
                    found = wide[position]
                    column = self.header[found[1].key]
                    if not text:
                        continue  # a blank cell of a wide sheet: no record that month
                index, metric = found
                value = known_values.get((index, text))
                if value is None:
                    try:
                        value = check_value(metric, text)
                    except DailyError as error:
                        checked.problem(number, column, text, reason_of(error))
                        ok = False
                        continue
                    if len(known_values) < VALUE_CACHE:
                        known_values[(index, text)] = value
                if unit_id is None or period is None:
                    continue
                if collect:
                    row_keys.append((unit_id * 1_000_000 + period) * 64 + index)
                    lines.append(number)
                if ok and not checked.problem_total:
                    checked.rows += 1
                    checked.periods[period] = checked.periods.get(period, 0) + 1
                    checked.units.add(unit_id)
                    yield (unit_id, period, metric.key, value)
            if number % PROGRESS_EVERY == 0:
                progress("checking", number)
        self._outside(outside)
        self._duplicates()
        if not checked.rows and not checked.problem_total:
            checked.problem(1, "", "", _("The file has a header but no figures."))

    def _outside(self, codes: dict[str, list[int]]) -> None:
        if not codes:
            return
        existing = set(
            Unit.objects.filter(code__in=list(codes)[:PROBLEMS_KEPT]).values_list("code", flat=True)
        )
        for code, numbers in codes.items():
            reason = (
                _("Outside your scope: you may import only for the units you organise.")
                if code in existing
                else _("Unknown unit code.")
            )
            for number in numbers:
                self.checked.problem(number, self.header["unit_code"], code, reason)

    def _duplicates(self) -> None:
        """Each unit, month and metric once: sort the keys (np.sort's copy is the peak of
        memory), and only when some repeat, find their rows."""
        checked = self.checked
        if len(checked.keys) < 2:
            return
        keys = np.frombuffer(checked.keys, dtype=np.int64)
        ordered = np.sort(keys)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        del ordered
        if not len(repeated):
            return
        lines = np.frombuffer(checked.lines, dtype=np.int32)
        positions = np.flatnonzero(np.isin(keys, repeated))
        first: dict[int, int] = {}
        for position in positions[: PROBLEMS_KEPT * 2]:
            key, line = int(keys[position]), int(lines[position])
            if key not in first:
                first[key] = line
                continue
            metric = self.metrics[key % 64]
            column = self.header.get("metric") or self.header.get(metric.key, metric.key)
            checked.problem(
                line,
                column,
                metric.name,
                _("Duplicate: this unit, month and metric are also on row %(row)s.")
                % {"row": first[key]},
            )

    def raise_problems(self) -> None:
        checked = self.checked
        if checked.problem_total:
            problems = sorted(checked.problems, key=lambda p: (p.row, p.column))
            raise ImportRejected(problems, checked.problem_total)


def refuse(path: Path, original_name: str, *, actor: Any, rule: DailyRule) -> None:
    """A file that failed while being written: a full check (with the duplicate check the
    writing pass leaves to the unique index) names every problem, as the preview does."""
    reader = Reader(path, original_name, actor=actor, rule=rule)
    for _row in reader.values(_silent):
        pass
    reader.raise_problems()


class DailyImporter:
    kind = "daily"
    columns = COLUMNS

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        reader = Reader(path, original_name, actor=actor, rule=daily_rule_for())
        for _row in reader.values(progress):
            pass
        reader.raise_problems()
        return self._plan(reader, file_digest(path))

    def prepare(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> None:
        """Nothing to do outside the writes: they are short transactions already."""

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: None = None,
    ) -> Plan:
        """In the caller's transaction (tests, scripts): the same steps, committed together."""
        return self.apply_recorded(
            None,
            path,
            original_name,
            actor=actor,
            prune=prune,
            progress=progress,
            expected_digest=expected_digest,
        )

    def apply_staged(
        self,
        job: ImportJob,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: None = None,
    ) -> Plan:
        return self.apply_recorded(
            job,
            path,
            original_name,
            actor=actor,
            prune=prune,
            progress=progress,
            expected_digest=expected_digest,
        )

    def apply_recorded(
        self,
        job: ImportJob | None,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: None = None,
    ) -> Plan:
        """Check again while staging the good rows in batches; any problem discards them.
        The file's digest is the plan's: a file changed since its preview is another file."""
        digest = file_digest(path)
        rule = daily_rule_for()
        reader = Reader(path, original_name, actor=actor, rule=rule)
        discard_abandoned()
        daily_import = open_import(actor=actor, file_name=original_name, digest=digest, job=job)
        try:
            # One phase on the progress line: the rows written (checking runs alongside).
            rows = reader.values(_silent, keys=False)
            try:
                written = stage_values(daily_import, rows, progress)
            except IntegrityError:
                # A unit, month and metric given twice reached the unique index: finish
                # checking; if nothing else is wrong, a second pass names the duplicate's rows.
                for _row in rows:
                    pass
                refuse(path, original_name, actor=actor, rule=rule)
                raise StalePlan from None
            if reader.checked.problem_total:
                refuse(path, original_name, actor=actor, rule=rule)
                raise StalePlan  # the file changed between the two passes
            plan = self._plan(reader, digest)
            if expected_digest is not None and plan.digest != expected_digest:
                raise StalePlan
            make_current(
                daily_import,
                Summary(
                    rows=written,
                    periods=[period_text(p) for p in sorted(reader.checked.periods)],
                    units=len(reader.checked.units),
                ),
            )
        except BaseException:
            discard_import(daily_import)
            raise
        progress("cleaning", written)
        clean_replaced(daily_import)
        progress("done", written)
        plan.counts["import"] = daily_import.pk
        return plan

    @staticmethod
    def discard_staged(job: ImportJob) -> None:
        for daily_import in DailyImport.objects.filter(job=job, state=DailyImportState.STAGING):
            discard_import(daily_import)

    @staticmethod
    def _plan(reader: Reader, digest: str) -> Plan:
        checked = reader.checked
        months = [period_text(p) for p in sorted(checked.periods)]
        replaced = [
            [str(pk), name, created.date().isoformat() if isinstance(created, date) else ""]
            for pk, name, created, covered in DailyImport.objects.filter(
                state=DailyImportState.CURRENT
            ).values_list("pk", "file_name", "current_at", "periods")
            if set(covered) & set(months)
        ]
        plan_digest = PlanDigest()
        plan_digest.add(digest, checked.rows, len(checked.units))
        return Plan(
            counts={
                "rows": checked.rows,
                "units": len(checked.units),
                "periods": len(months),
                "replaced": len(replaced),
            },
            samples={
                "periods": [[period_text(p), str(n)] for p, n in sorted(checked.periods.items())],
                "replaced": replaced[:100],
            },
            digest=plan_digest.hexdigest(),
        )
