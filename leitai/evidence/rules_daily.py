"""The daily-data rule in force for a unit, and the date it is judged on.

One place, so that the programme's record (the weights and window as a programme setting) can
take over later without touching a caller: today every unit is judged by the defaults of
《中国共产党支部工作条例（试行）》 (`DailyRule.from_record({})`), on today's date in China.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from leitai.scoring.daily import DailyRule

_DEFAULT = DailyRule.from_record({})


def daily_rule_for(unit: Any = None) -> DailyRule:
    return _DEFAULT


def reference_date() -> date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()
