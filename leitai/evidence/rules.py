"""The programme's settings the evidence rules read, through one function each.

Until the programme record holds them (`Programme.evidence`, docs/developer/programme.md), the
honours rule is the codec's defaults and the reference date is today in Asia/Shanghai. Every page,
query and service asks here, so the programme record replaces these two bodies and nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from leitai.scoring.honours import HonoursRule

if TYPE_CHECKING:
    from leitai.orgs.models import Unit

PROGRAMME_ZONE = ZoneInfo("Asia/Shanghai")


def honours_rule_for(unit: Unit) -> HonoursRule:
    """The honours rule the unit's programme sets; today the codec's defaults."""
    return HonoursRule.from_record({})


def reference_date_for(unit: Unit) -> date:
    """The date honours are counted on: today in Asia/Shanghai."""
    return timezone.now().astimezone(PROGRAMME_ZONE).date()
