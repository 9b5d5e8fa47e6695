"""The programme's evidence settings the evidence rules read, through one function each.

A unit is judged by the evidence record (`Programme.evidence`, parsed by
`leitai.scoring.evidence`) of the programme over it (`programs.queries.programme_for`); with no
programme, by the codec's defaults, and the pages say so. The reference date is today in
Asia/Shanghai. Every page, query and service asks here (the daily data through
`rules_daily.py`), never the codec's defaults directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from leitai.programs.queries import current_programme, programme_for
from leitai.scoring.daily import DailyRule
from leitai.scoring.evidence import EvidenceRules
from leitai.scoring.honours import HonoursRule

if TYPE_CHECKING:
    from leitai.orgs.models import Unit
    from leitai.programs.models import Programme

PROGRAMME_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class RulesInForce:
    """The evidence rules a unit (or a page about many) is judged by, and where they come from:
    the programme (None: no programme applies, the defaults do)."""

    rules: EvidenceRules
    programme: Programme | None

    @property
    def honours(self) -> HonoursRule:
        return self.rules.honours

    @property
    def daily(self) -> DailyRule:
        return self.rules.daily


def rules_in_force(unit: Unit | None = None) -> RulesInForce:
    """The unit's programme's rules; without a unit, the current programme's."""
    programme = current_programme() if unit is None else programme_for(unit)
    if programme is None:
        return RulesInForce(EvidenceRules.DEFAULT, None)
    return RulesInForce(programme.evidence_rules, programme)


def honours_rule_for(unit: Unit) -> HonoursRule:
    """The honours rule the unit's programme sets (the defaults without a programme)."""
    return rules_in_force(unit).honours


def reference_date_for(unit: Unit | None = None) -> date:
    """The date evidence is counted on: today in Asia/Shanghai."""
    return timezone.now().astimezone(PROGRAMME_ZONE).date()
