"""The daily-data rule in force for a unit, and the date it is judged on.

The rule is the daily half of the programme's evidence settings (`leitai.evidence.rules`): the
programme over the unit, or without a unit the current programme (the import reads only the
metrics' names and kinds, which no programme changes); the codec's defaults of
《中国共产党支部工作条例（试行）》 when no programme exists. The date is today in China.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from leitai.evidence.rules import reference_date_for, rules_in_force
from leitai.scoring.daily import DailyRule

if TYPE_CHECKING:
    from leitai.orgs.models import Unit


def daily_rule_for(unit: Unit | None = None) -> DailyRule:
    return rules_in_force(unit).daily


def reference_date() -> date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return reference_date_for()
