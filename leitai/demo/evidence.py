"""The demo city's evidence: a few dozen honours at every level across the city (most verified,
some pending — one still without its scan — two rejected, some outside the window, one document
whose level was raised by editing it), and a few vetoes, one of them lifted.

Written through the real services, so the ledger holds what a real year writes and
`leitai ledger verify` checks it. Safe to run again: nothing is added once the city has honours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from leitai.demo.evidence_files import notice_pdf, scan_png
from leitai.evidence.files import CheckedFile, check_bytes
from leitai.evidence.models import Honour, VetoCategory
from leitai.evidence.rules import reference_date_for
from leitai.evidence.services.honours import (
    HonourFields,
    edit_honour,
    enter_honour,
    reject_honour,
    verify_honour,
)
from leitai.evidence.services.vetoes import lift_veto, record_veto
from leitai.orgs.models import Unit, UnitKind
from leitai.orgs.queries import subtree_q
from leitai.scoring.honours import Level

SPREAD = 24  # branches across the city that hold honours

# level → (titles, conferring body or None for the unit's own district / street, document prefix)
HONOURS: dict[Level, tuple[tuple[str, ...], str | None, str]] = {
    Level.NATIONAL: (("全国先进基层党组织", "全国民主法治示范社区"), "中共中央", "中发"),
    Level.PROVINCIAL: (
        ("山东省先进基层党组织", "山东省干部教育培训示范点"),
        "中共山东省委",
        "鲁组发",
    ),
    Level.MUNICIPAL: (("青岛市先进基层党组织", "青岛市党建工作示范点"), "中共青岛市委", "青组发"),
    Level.DISTRICT: (("区级先进基层党组织", "区级五好党支部"), None, "区委发"),
    Level.STREET: (("街道党建示范点", "街道先进党支部"), None, "党工委发"),
}
CYCLE = [Level.MUNICIPAL, Level.DISTRICT, Level.STREET, Level.PROVINCIAL, Level.DISTRICT]


@dataclass(frozen=True)
class People:
    secretary: Any  # the demo branch's secretary
    reviewer: Any  # the reviewer of 市南区
    organiser: Any  # the city's organiser
    admin: Any  # verifies what the organiser entered


def _ancestor_name(unit: Unit, depth: int) -> str:
    ids = unit.ancestor_ids
    if len(ids) <= depth:
        return unit.name
    return Unit.objects.only("name").get(pk=ids[depth]).name


def _file(unit: Unit, fields: HonourFields, *, pdf: bool) -> CheckedFile:
    if pdf:
        content = notice_pdf(
            title=fields.title,
            body=fields.conferred_by,
            document=fields.document,
            day=fields.conferred_on.isoformat(),
            unit=unit.name,
        )
        return check_bytes(content, "notice.pdf")
    return check_bytes(scan_png(f"{unit.code}/{fields.document}"), "scan.png")


def ensure_demo_evidence(*, root: Unit, demo_branch: Unit, people: People) -> int:
    """Honours and vetoes for the demo city; returns how many honours were added.

    One transaction for all of it (each service's own becomes a savepoint): one commit instead of
    some 150 keeps `leitai demo` fast on SQLite."""
    if Honour.objects.filter(subtree_q(root.path, prefix="unit__")).exists():
        return 0
    with transaction.atomic():
        return _add_demo_evidence(root=root, demo_branch=demo_branch, people=people)


def _add_demo_evidence(*, root: Unit, demo_branch: Unit, people: People) -> int:
    today = reference_date_for(root)
    branches = list(
        Unit.objects.filter(subtree_q(root.path), kind=UnitKind.BRANCH)
        .exclude(pk=demo_branch.pk)
        .order_by("path")
    )
    step = max(1, len(branches) // SPREAD)
    spread = [demo_branch, *branches[::step][:SPREAD]]
    reviewer_paths = [
        Unit.objects.get(pk=m.unit_id).path for m in people.reviewer.memberships.all()
    ]
    added = 0
    number = 0
    for index, unit in enumerate(spread):
        if unit.pk == demo_branch.pk:
            enterer, verifier = people.secretary, people.reviewer
        elif any(unit.path.startswith(path) for path in reviewer_paths):
            enterer, verifier = people.reviewer, people.organiser
        else:
            enterer, verifier = people.organiser, people.admin
        levels = [CYCLE[(index + k) % len(CYCLE)] for k in range(1 + index % 3)]
        if index % 6 == 0:
            levels.append(Level.NATIONAL)
        for k, level in enumerate(levels):
            number += 1
            titles, body, prefix = HONOURS[level]
            if body is None:
                body = "中共" + _ancestor_name(unit, 1 if level == Level.DISTRICT else 2)
            outside = number % 9 == 0  # dated before the three-year window
            day = today - timedelta(
                days=(3 * 365 + 40 + number) if outside else 35 + 61 * number % 900
            )
            fields = HonourFields(
                title=titles[(index + k) % 2],
                level=level,
                conferred_by=body[:200],
                document=f"{prefix}〔{day.year}〕{number}号",
                conferred_on=day,
            )
            honour = enter_honour(
                unit=unit, by=enterer, fields=fields, file=_file(unit, fields, pdf=False)
            )
            added += 1
            if number % 19 == 0:
                reject_honour(
                    honour=honour, by=verifier, reason="文号与所附文件不一致，请核对后重新提交。"
                )
            elif number % 7 != 0:  # every seventh waits for verification
                verify_honour(honour=honour, by=verifier)
    added += _demo_branch_story(demo_branch, people, today)
    _demo_vetoes(spread, demo_branch, people, today)
    return added


def _demo_branch_story(branch: Unit, people: People, today: date) -> int:
    """The demo branch's own record: a national honour with its notice as a PDF; a document
    entered at district level and raised to municipal by editing it; one pending honour the
    reviewer can verify, one imported without its scan yet."""
    national = HonourFields(
        title="全国先进基层党组织",
        level=Level.NATIONAL,
        conferred_by="中共中央",
        document=f"中组发〔{today.year - 1}〕206号",
        conferred_on=today - timedelta(days=400),
    )
    honour = enter_honour(
        unit=branch, by=people.secretary, fields=national, file=_file(branch, national, pdf=True)
    )
    verify_honour(honour=honour, by=people.reviewer)
    district = HonourFields(
        title="青岛市党建工作示范点",
        level=Level.DISTRICT,
        conferred_by="中共青岛市委组织部",
        document=f"青组发 [{today.year - 1}] 221号",
        conferred_on=today - timedelta(days=200),
    )
    raised = enter_honour(
        unit=branch, by=people.secretary, fields=district, file=_file(branch, district, pdf=False)
    )
    verify_honour(honour=raised, by=people.reviewer)
    raised.refresh_from_db()
    # The same document names the branch at municipal level: the record is raised, not doubled.
    raised = edit_honour(
        honour=raised,
        by=people.secretary,
        fields=HonourFields(
            title=district.title,
            level=Level.MUNICIPAL,
            conferred_by=district.conferred_by,
            document=f"青组发〔{today.year - 1}〕221号",
            conferred_on=district.conferred_on,
        ),
        file=None,
        version=raised.version,
    )
    verify_honour(honour=raised, by=people.reviewer)
    pending = HonourFields(
        title="街道“红色领航”党建品牌",
        level=Level.STREET,
        conferred_by="中共金湖路街道工作委员会",
        document=f"金党工发〔{today.year}〕203号",
        conferred_on=today - timedelta(days=20),
    )
    enter_honour(
        unit=branch, by=people.secretary, fields=pending, file=_file(branch, pending, pdf=False)
    )
    waiting = HonourFields(
        title="区级五好党支部",
        level=Level.DISTRICT,
        conferred_by="中共青岛市市南区委",
        document=f"南发〔{today.year}〕211号",
        conferred_on=today - timedelta(days=12),
    )
    enter_honour(unit=branch, by=people.reviewer, fields=waiting, file=None)
    return 4


def _demo_vetoes(spread: list[Unit], branch: Unit, people: People, today: date) -> None:
    lifted = record_veto(
        unit=branch,
        by=people.organiser,
        year=today.year - 1,
        category=VetoCategory.RECORDS,
        evidence="年度组织生活会记录缺失三个月，经核查属实。",
    )
    lift_veto(veto=lifted, by=people.organiser, reason="已补齐记录并经街道党工委核查。")
    cases = [
        (VetoCategory.LAX, "被列为软弱涣散基层党组织，正在整顿。"),
        (VetoCategory.DISCIPLINE, "支部书记受党纪处分（纪检通报）。"),
        (VetoCategory.FALSIFICATION, "擂台比武申报材料中工作数据与台账不符。"),
    ]
    for unit, (category, evidence) in zip(spread[5::7], cases, strict=False):
        record_veto(
            unit=unit,
            by=people.organiser,
            year=today.year,
            category=category,
            evidence=evidence,
            file=check_bytes(scan_png(f"veto/{unit.code}"), "veto.png"),
        )
