"""Reads other apps may call (selection, ratings), returning plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from leitai.evidence.models import Honour, HonourState, Veto, VetoState
from leitai.evidence.rules import honours_rule_for
from leitai.orgs.models import Unit
from leitai.scoring.honours import Honour as CountedInput
from leitai.scoring.honours import HonoursRule, HonoursScore, Level, honours_score


def verified_honours(unit: Unit) -> list[CountedInput]:
    """The unit's verified honours as the pure rule takes them (key: the record's id)."""
    rows = (
        Honour.objects.filter(unit=unit, state=HonourState.VERIFIED)
        .order_by("-conferred_on", "pk")
        .values_list("pk", "document", "level", "conferred_on")
    )
    return [CountedInput(document, Level(level), day, pk) for pk, document, level, day in rows]


def honours_points(unit: Unit, on: date, *, rule: HonoursRule | None = None) -> HonoursScore:
    """The unit's honours score on `on` under its programme's rule (or `rule`, when the caller
    has read it already): only verified honours count. A plain value
    (leitai.scoring.honours.HonoursScore); `items` keys are record ids."""
    return honours_score(verified_honours(unit), rule or honours_rule_for(unit), on)


@dataclass(frozen=True)
class VetoFact:
    id: int
    year: int
    category: str  # a VetoCategory value
    evidence: str
    recorded_at: datetime


def vetoes(unit: Unit, year: int) -> list[VetoFact]:
    """The vetoes in force against the unit for the year (lifted ones are left out)."""
    rows = Veto.objects.filter(unit=unit, year=year, state=VetoState.ACTIVE).order_by("pk")
    return [
        VetoFact(v.pk, v.year, v.category, v.evidence, v.recorded_at)
        for v in rows.only("pk", "year", "category", "evidence", "recorded_at")
    ]
