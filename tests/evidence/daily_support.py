"""Small helpers of the daily-data tests: files in each form and encoding, and one import."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from leitai.evidence.importing.daily import DailyImporter
from leitai.evidence.models import DailyImport

LONG_ZH = ["单位编码", "期间", "指标", "数值"]
LONG_EN = ["unit code", "period", "metric", "value"]


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run_import(path: Path, actor: Any) -> DailyImport:
    from django.utils import translation

    with translation.override("en"):
        plan = DailyImporter().apply_recorded(
            None,
            path,
            path.name,
            actor=actor,
            prune=False,
            progress=lambda phase, rows: None,
            expected_digest=None,
        )
    return DailyImport.objects.get(pk=plan.counts["import"])
