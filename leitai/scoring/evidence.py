"""A programme's evidence settings (`Programme.evidence`): the honours rule and the daily-data rule
read together from one record, parsed once.

The record, as the programme stores it (every value written out):
    {"honours": {"points": {"national": 10, …}, "window_years": 3, "cap": 15},
     "daily": {"window_months": 12,
               "metrics": {"committee_meeting": {"kind": "count", "cadence": "month",
                                                  "requirement": 1, "weight": 15}, …}}}
`{}` (or None) is the default: the issue's points, window and cap, and the metric table of
《中国共产党支部工作条例（试行）》. Each half is its rule's own codec (`HonoursRule.from_record`,
`DailyRule.from_record`), so the defaults are applied in exactly one place each; a record the core
cannot use is refused with a `SettingError` subclass (`EvidenceError`, `HonoursError`,
`DailyError`) naming the field and the value.

Pure: no Django, no app. docs/developer/programme.md places the record in the programme.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from leitai.scoring.codec import SettingError, gettext_noop
from leitai.scoring.daily import DailyRule
from leitai.scoring.honours import HonoursRule


class EvidenceError(SettingError):
    """An evidence record whose shape the codec cannot read, naming the field and the value."""


SECTIONS = ("honours", "daily")


@dataclass(frozen=True)
class EvidenceRules:
    """The honours rule and the daily-data rule of one programme. `EvidenceRules()` is the
    default."""

    honours: HonoursRule = field(default_factory=HonoursRule)
    daily: DailyRule = field(default_factory=DailyRule)

    DEFAULT: ClassVar[EvidenceRules]

    @classmethod
    def from_record(cls, record: Mapping[str, object] | None) -> EvidenceRules:
        record = record or {}
        if not isinstance(record, Mapping):
            raise EvidenceError(
                gettext_noop("%(field)s: “%(value)s” is not a list of settings."),
                field="evidence",
                value=record,
            )
        unknown = sorted(set(record) - set(SECTIONS))
        if unknown:
            raise EvidenceError(
                gettext_noop("%(field)s: “%(value)s” is not a setting of the evidence rules."),
                field="evidence",
                value=unknown[0],
            )
        for section in SECTIONS:
            if not isinstance(record.get(section, {}), Mapping):
                raise EvidenceError(
                    gettext_noop("%(field)s: “%(value)s” is not a list of settings."),
                    field=section,
                    value=record[section],
                )
        return cls(
            honours=HonoursRule.from_record(record.get("honours")),  # type: ignore[arg-type]
            daily=DailyRule.from_record(record.get("daily")),  # type: ignore[arg-type]
        )

    def to_record(self) -> dict[str, object]:
        """Every value written out, in the form `from_record` reads."""
        return {"honours": self.honours.to_record(), "daily": self.daily.to_record()}


EvidenceRules.DEFAULT = EvidenceRules()


@functools.lru_cache(maxsize=64)
def _rules_of_text(text: str) -> EvidenceRules:
    return EvidenceRules.from_record(json.loads(text))


def evidence_rules_of_record(record: Mapping[str, object] | None) -> EvidenceRules:
    """`EvidenceRules.from_record`, cached by the record's content: every page reads the
    programme's row afresh, and the record is the same until an organiser changes it."""
    return _rules_of_text(json.dumps(record or {}, sort_keys=True, default=str))


def flatten(record: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """A nested record as dotted fields ("honours.points.national": 10), the form a change is
    recorded in: one line per value that changed."""
    flat: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= flatten(value, f"{name}.")
        else:
            flat[name] = value
    return flat
