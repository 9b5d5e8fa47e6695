"""The demo city's daily data (灯塔-党建在线): 24 months up to last month for every branch,
written through the import's own service (so it is on the ledger like any file).

Most branches are regular; some have gaps; a few have no record at all; a few were founded
within the window (their founding month is set on the unit); a few small ones have no party
groups. Ratios are mostly 0.85–1.00. Seeded by each unit's code, so every run gives the same city.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from leitai.evidence.models import DailyImport
from leitai.evidence.queries_daily import month_number
from leitai.evidence.rules_daily import reference_date
from leitai.evidence.services.daily import ValueRow, import_values
from leitai.orgs.models import Unit, UnitKind
from leitai.scoring.daily import Month

MONTHS = 24
DEMO_FILE = "demo-daily-data.csv"
SHOWCASE = "370202090105"  # 郑素秀's branch (DEMO_UNITS["taizhoulu_branch"]): a regular one
FOUNDED_SHOWCASE = "3702851501"  # DEMO_UNITS["jiangshan_branch"]: founded within the window


def _profile(code: str) -> tuple[str, random.Random]:
    rng = random.Random(f"daily:{code}")
    if code == SHOWCASE:
        return "regular", rng
    if code == FOUNDED_SHOWCASE:
        return "founded", rng
    draw = rng.random()
    if draw < 0.03:
        return "silent", rng
    if draw < 0.07:
        return "founded", rng
    if draw < 0.25:
        return "gaps", rng
    return "regular", rng


def _ratio(rng: random.Random, low: int = 8500) -> Decimal:
    return Decimal(rng.randint(low, 10000)) / Decimal(10000)


def _unit_rows(
    unit_id: int, months: list[Month], rng: random.Random, *, groups: bool, gaps: bool
) -> Iterator[ValueRow]:
    miss = 0.3 if gaps else 0.04
    quarter_month = rng.randrange(3)
    for month in months:
        period = month_number(month)
        if rng.random() < miss / 3:
            continue  # a month with nothing entered on the platform
        if rng.random() > miss:
            yield (unit_id, period, "committee_meeting", rng.choice((1, 1, 1, 2)))
        if rng.random() > miss:
            yield (unit_id, period, "theme_day", 1)
        if groups and rng.random() > miss:
            yield (unit_id, period, "group_meeting", rng.choice((1, 1, 2)))
        if (month.month - 1) % 3 == quarter_month:
            if rng.random() > miss:
                yield (unit_id, period, "general_meeting", 1)
            if rng.random() > miss:
                yield (unit_id, period, "party_lecture", rng.choice((1, 1, 2)))
        if month.month == 1 and rng.random() > miss:
            yield (unit_id, period, "life_meeting", 1)
            yield (unit_id, period, "member_appraisal", 1)
        if rng.random() > miss / 2:
            yield (unit_id, period, "dues_rate", _ratio(rng, 7000 if gaps else 8500))
        if rng.random() > miss / 2:
            yield (unit_id, period, "study_rate", _ratio(rng, 6000 if gaps else 8500))


def ensure_demo_daily(actor: Any) -> int:
    """Import the demo's daily data once; returns how many figures were written (0 if present)."""
    if DailyImport.objects.filter(file_name=DEMO_FILE).exists():
        return 0
    last = Month.of(reference_date()).plus(-1)
    months = [last.plus(-offset) for offset in range(MONTHS - 1, -1, -1)]
    branches = list(
        Unit.objects.filter(kind=UnitKind.BRANCH).order_by("path").values_list("pk", "code")
    )
    rows: list[ValueRow] = []
    founded: dict[int, Any] = {}
    no_groups: list[int] = []
    for unit_id, code in branches:
        profile, rng = _profile(code)
        groups = rng.random() >= 0.15  # a small branch often has no party groups
        if not groups:
            no_groups.append(unit_id)
        if profile == "silent":
            continue
        span = months
        if profile == "founded":
            start = MONTHS - 1 - rng.randrange(3, 11)  # founded 3–10 months ago
            span = months[start:]
            founded[unit_id] = span[0]
        rows.extend(_unit_rows(unit_id, span, rng, groups=groups, gaps=profile == "gaps"))
    with transaction.atomic():
        for unit_id, month in founded.items():
            Unit.objects.filter(pk=unit_id).update(founded=f"{month}-01")
        Unit.objects.filter(pk__in=no_groups).update(has_party_groups=False)
        Unit.objects.filter(kind=UnitKind.BRANCH, has_party_groups__isnull=True).update(
            has_party_groups=True
        )
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    import_values(actor=actor, file_name=DEMO_FILE, digest=digest, rows=rows)
    return len(rows)
