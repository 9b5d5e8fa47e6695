"""Importing honours from .xlsx/.csv through the shared import path (leitai.core.imports):
preview, all-or-nothing, row errors naming row, column, value and reason, UTF-8 or GB18030.

Each row is one new record, pending verification, entered by whoever imports the file and written
through the same service as a record entered on its page (`services.honours.enter_honour`: the
same checks, the same ledger entry). A row's evidence file is the member of the .zip uploaded
beside the spreadsheet that its file-name column names (leitai.evidence.attachments: a missing
member, a member no row names and bad content are row errors); a row without one gets its file
later on the record's page, and a record without its file cannot be verified.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leitai.core.imports import (
    ImportRejected,
    Plan,
    PlanDigest,
    Progress,
    RowProblem,
    StalePlan,
    attachments_path,
)
from leitai.core.tabular import Column, open_sheet
from leitai.evidence import permissions
from leitai.evidence.attachments import open_attachments
from leitai.evidence.files import BadEvidenceFile, CheckedFile
from leitai.evidence.models import LEVEL_LABELS, Honour, HonourState
from leitai.evidence.rules import reference_date_for
from leitai.evidence.services.honours import LIMITS, HonourFields, enter_honour
from leitai.orgs.models import Unit
from leitai.scoring.honours import HonoursError, Level, normalise_document, parse_level

COLUMNS = [
    Column("unit_code", ("单位编码", "组织编码", "unit code", "unit")),
    Column("title", ("荣誉名称", "名称", "title")),
    Column("level", ("级别", "level")),
    Column("conferred_by", ("授予机关", "授予单位", "conferring body")),
    Column("document", ("文号", "document number", "document")),
    Column("date", ("日期", "授予日期", "date")),
    Column("file", ("佐证材料文件名", "文件名", "evidence file name", "file"), required=False),
]
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?"
)


def parse_date(text: str) -> date | None:
    """2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日; an .xlsx date cell reads
    2024-05-01 00:00:00."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class HonourRow:
    __slots__ = ("fields", "file", "row", "unit")

    def __init__(
        self, row: int, unit: Unit, fields: HonourFields, file: CheckedFile | None
    ) -> None:
        self.row, self.unit, self.fields, self.file = row, unit, fields, file


class HonourImporter:
    kind = "honours"
    columns = COLUMNS

    def _analyse(
        self, path: Path, original_name: str, *, actor: Any
    ) -> tuple[Plan, list[HonourRow]]:
        sheet = open_sheet(path, COLUMNS, original_name)
        records = list(sheet.rows)
        if not records:
            raise ImportRejected([RowProblem(1, "", "", _("The file has a header but no rows."))])
        problems: list[RowProblem] = []

        def problem(row: int, name: str, value: str, reason: str) -> None:
            problems.append(RowProblem(row, sheet.header_text(name), value, reason))

        attachments = open_attachments(attachments_path(path))
        named: dict[str, int] = {}
        codes = {values["unit_code"] for _, values in records}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        keys: dict[tuple[int, str], int] = {}
        rows: list[HonourRow] = []
        for number, values in records:
            unit = units.get(values["unit_code"])
            if unit is None or not permissions.can_enter_honour(actor, unit):
                problem(
                    number,
                    "unit_code",
                    values["unit_code"],
                    _("No unit with this code in your scope."),
                )
                continue
            bad = False
            for name in ("title", "conferred_by", "document"):
                if not values[name]:
                    problem(number, name, "", _("Required."))
                    bad = True
                elif len(values[name]) > LIMITS[name]:
                    problem(
                        number,
                        name,
                        values[name][:40],
                        _("Longer than %(limit)s characters.") % {"limit": LIMITS[name]},
                    )
                    bad = True
            try:
                level = parse_level(values["level"])
            except HonoursError:
                problem(
                    number,
                    "level",
                    values["level"],
                    _(
                        "Not a level: national, provincial, municipal, district, street "
                        "(or 国家级, 省级, 市级, 区级, 街道级)."
                    ),
                )
                bad = True
            day = parse_date(values["date"])
            if day is None:
                problem(number, "date", values["date"], _("Not a date (YYYY-MM-DD)."))
                bad = True
            elif day > reference_date_for(unit):
                problem(number, "date", values["date"], _("In the future."))
                bad = True
            checked: CheckedFile | None = None
            name = values.get("file", "")
            if name:
                if attachments.path is None:
                    problem(number, "file", name, _("Names a file, but no .zip was uploaded."))
                    bad = True
                elif name in named:
                    problem(
                        number,
                        "file",
                        name,
                        _("Row %(row)s names the same file.") % {"row": named[name]},
                    )
                    bad = True
                elif name not in attachments.names:
                    named[name] = number
                    problem(number, "file", name, _("No file of this name in the .zip."))
                    bad = True
                else:
                    named[name] = number
                    try:
                        checked = attachments.read(name)
                    except BadEvidenceFile as refused:
                        problem(number, "file", name, str(refused))
                        bad = True
            if bad:
                continue
            assert day is not None
            key = normalise_document(values["document"])
            if not key:
                problem(number, "document", values["document"], _("Only brackets and spaces."))
                continue
            first = keys.setdefault((unit.pk, key), number)
            if first != number:
                problem(
                    number,
                    "document",
                    values["document"],
                    _("The same unit and document as row %(row)s.") % {"row": first},
                )
                continue
            rows.append(
                HonourRow(
                    number,
                    unit,
                    HonourFields(
                        title=values["title"],
                        level=level,
                        conferred_by=values["conferred_by"],
                        document=values["document"],
                        conferred_on=day,
                    ),
                    checked,
                )
            )
        for name in sorted(set(attachments.names) - set(named)):
            problem(1, "file", name, _("In the .zip, but no row names it."))
        existing = {
            (h.unit_id, h.document_key): h
            for h in Honour.objects.filter(
                unit__in=[r.unit for r in rows],
                document_key__in={normalise_document(r.fields.document) for r in rows},
            )
        }
        for row in rows:
            found = existing.get((row.unit.pk, normalise_document(row.fields.document)))
            if found is not None:
                problem(
                    row.row,
                    "document",
                    row.fields.document,
                    _("Already in the registry: “%(title)s”, %(level)s, %(date)s, %(state)s.")
                    % {
                        "title": found.title,
                        "level": LEVEL_LABELS[Level(found.level)],
                        "date": date_format(found.conferred_on, "Y-m-d"),
                        "state": HonourState(found.state).label,
                    },
                )
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: (p.row, p.column)))
        digest = PlanDigest()
        samples: list[list[str]] = []
        for row in rows:
            f = row.fields
            sha = row.file.sha256 if row.file else ""
            digest.add(
                row.row,
                row.unit.pk,
                f.title,
                f.level,
                f.conferred_by,
                f.document,
                f.conferred_on,
                sha,
            )
            if len(samples) < 20:
                samples.append(
                    [
                        row.unit.code,
                        f.title,
                        str(LEVEL_LABELS[f.level]),
                        f.document,
                        f.conferred_on.isoformat(),
                        _("attached") if row.file else _("to attach"),
                    ]
                )
        plan = Plan(
            counts={"rows": len(rows), "create": len(rows)},
            samples={"create": samples},
            digest=digest.hexdigest(),
        )
        return plan, rows

    def check(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> Plan:
        return self._analyse(path, original_name, actor=actor)[0]

    def prepare(
        self, path: Path, original_name: str, *, actor: Any, prune: bool, progress: Progress
    ) -> None:
        return None

    def apply(
        self,
        path: Path,
        original_name: str,
        *,
        actor: Any,
        prune: bool,
        progress: Progress,
        expected_digest: str | None,
        prepared: Any = None,
    ) -> Plan:
        plan, rows = self._analyse(path, original_name, actor=actor)
        if expected_digest is not None and plan.digest != expected_digest:
            raise StalePlan
        for done, row in enumerate(rows, start=1):
            enter_honour(unit=row.unit, by=actor, fields=row.fields, file=row.file)
            progress("writing", done)
        return plan
