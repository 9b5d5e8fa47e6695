"""Exporting a subtree in the import format, so an export can be edited and imported back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse

from leitai.core.workbooks import csv_response, xlsx_response
from leitai.orgs.facts import founded_cell, members_cell, party_groups_cell
from leitai.orgs.importing import HEADERS_ZH
from leitai.orgs.models import KIND_LABELS_ZH, SECTOR_LABELS_ZH, Unit
from leitai.orgs.queries import subtree_q


def export_rows(unit: Unit) -> Iterator[list[Any]]:
    """Parents before children (path order), so the file imports in one pass."""
    rows = (
        Unit.objects.filter(subtree_q(unit.path))
        .order_by("path")
        .values_list(
            "code",
            "name",
            "parent__code",
            "kind",
            "sector",
            "secretary",
            "is_evaluating",
            "founded",
            "members",
            "has_party_groups",
        )
    )
    for (
        code,
        name,
        parent_code,
        kind,
        sector,
        secretary,
        evaluating,
        founded,
        members,
        groups,
    ) in rows.iterator(chunk_size=20_000):
        yield [
            code,
            name,
            parent_code or "",
            KIND_LABELS_ZH.get(kind, kind),
            SECTOR_LABELS_ZH.get(sector, sector),
            secretary,
            "是" if evaluating else "否",
            founded_cell(founded),
            members_cell(members),
            party_groups_cell(groups),
        ]


def export_response(unit: Unit, file_format: str) -> HttpResponse:
    name = f"orgs-{unit.code}"
    if file_format == "csv":
        return csv_response(f"{name}.csv", HEADERS_ZH, export_rows(unit))
    return xlsx_response(
        f"{name}.xlsx",
        HEADERS_ZH,
        export_rows(unit),
        widths=[16, 40, 16, 10, 14, 10, 10, 10, 10, 12],
    )
