"""A unit's important honours (重要荣誉) as points: the rule the registry and `leitai stats honours`
both publish by.

An honour counts when it is dated within the window (default three years up to the reference
date: reference − 3 years < date ≤ reference, three years before 29 February being 28 February).
A document (文号) that names the unit more than once counts once, at its highest level: document
numbers are compared after `normalise_document`. The points are summed and capped (default 15);
the honours component of a composite is points ÷ cap × 100, rounded half-up to 2 places.

Pure: no Django, no app. A rule record the core cannot use is refused with an `HonoursError`, a
`ValueError` naming the field and the value, whose `phrase` the Django layer translates.
docs/scoring.md is the full contract.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from leitai.scoring.codec import SettingError, gettext_noop, whole_number
from leitai.scoring.exact import round_half_up


class Level(StrEnum):
    """The level of the body conferring an honour, from highest to lowest."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    DISTRICT = "district"
    STREET = "street"

    @property
    def rank(self) -> int:
        """5 for national down to 1 for street/town: a higher rank is a higher level."""
        return _RANK[self]


_RANK = {level: 5 - position for position, level in enumerate(Level)}

# The words people and documents use for each level (after trimming spaces; English is matched
# without regard to case).
LEVEL_WORDS: dict[str, Level] = {
    **{level.value: level for level in Level},
    "国家级": Level.NATIONAL,
    "全国": Level.NATIONAL,
    "省级": Level.PROVINCIAL,
    "市级": Level.MUNICIPAL,
    "区级": Level.DISTRICT,
    "区(市)级": Level.DISTRICT,
    "区（市）级": Level.DISTRICT,
    "县级": Level.DISTRICT,
    "街道级": Level.STREET,
    "街道": Level.STREET,
    "镇级": Level.STREET,
    "乡级": Level.STREET,
}

DEFAULT_POINTS: Mapping[Level, int] = {
    Level.NATIONAL: 10,
    Level.PROVINCIAL: 8,
    Level.MUNICIPAL: 5,
    Level.DISTRICT: 3,
    Level.STREET: 1,
}


class HonoursError(SettingError):
    """A level, a rule record or a value the honours rule cannot use, naming the field and the
    value. `phrase` carries the catalogue's message and its values for the Django layer."""


def parse_level(text: str, field: str = "level") -> Level:
    """The level a word names: national…street, 国家级/全国, 省级, 市级, 区级/区(市)级/县级,
    街道级/街道/镇级/乡级; HonoursError otherwise."""
    word = "".join(str(text).split())
    level = LEVEL_WORDS.get(word) or LEVEL_WORDS.get(word.lower())
    if level is None:
        raise HonoursError(
            gettext_noop(
                "%(field)s: “%(value)s” is not a level (national, provincial, municipal, "
                "district, street, or 国家级, 省级, 市级, 区级, 街道级)."
            ),
            field=field,
            value=text,
        )
    return level


# Every kind of bracket found around a document's year, to one form: 鲁组字[2024]3号,
# 鲁组字（2024）3号 and 鲁组字〔2024〕3号 are one document.
_OPENING = "〔[(【（［﹝〖"
_CLOSING = "〕])】）］﹞〗"
_BRACKETS = str.maketrans(_OPENING + _CLOSING, "〔" * len(_OPENING) + "〕" * len(_CLOSING))
_WHITESPACE = re.compile(r"\s+")


def normalise_document(text: str) -> str:
    """A document number (文号) in the one form compared: full-width letters and digits as
    ASCII, every bracket pair as 〔〕, all whitespace (full-width too) removed."""
    folded = unicodedata.normalize("NFKC", str(text))
    return _WHITESPACE.sub("", folded).translate(_BRACKETS)


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to 28 February."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def in_window(day: date, on: date, years: int) -> bool:
    """on − years < day ≤ on."""
    return years_before(on, years) < day <= on


def _whole(value: object, field: str, minimum: int) -> int:
    return whole_number(value, field, minimum, HonoursError)


@dataclass(frozen=True)
class HonoursRule:
    """Points per level, the window in years and the cap. `HonoursRule()` is the default."""

    points: Mapping[Level, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    window_years: int = 3
    cap: int = 15

    DEFAULT: ClassVar[HonoursRule]

    def __post_init__(self) -> None:
        missing = [level.value for level in Level if level not in self.points]
        if missing:
            raise HonoursError(
                gettext_noop("%(field)s: no points for “%(value)s”."),
                field="points",
                value=", ".join(missing),
            )
        for level in Level:
            _whole(self.points[level], f"points.{level.value}", 0)
        _whole(self.window_years, "window_years", 1)
        _whole(self.cap, "cap", 1)
        object.__setattr__(self, "points", {level: self.points[level] for level in Level})

    def __hash__(self) -> int:  # the points are a dict: hash their values in level order
        return hash((tuple(self.points.values()), self.window_years, self.cap))

    @classmethod
    def from_record(cls, record: Mapping[str, object] | None) -> HonoursRule:
        """The rule a programme setting stores: {} (or None) is the default; `points` may name
        only some levels (the others keep their defaults), by English word or Chinese."""
        record = record or {}
        unknown = sorted(set(record) - {"points", "window_years", "cap"})
        if unknown:
            raise HonoursError(
                gettext_noop("%(field)s: “%(value)s” is not a setting of the honours rule."),
                field="honours",
                value=unknown[0],
            )
        points = dict(DEFAULT_POINTS)
        given = record.get("points", {})
        if not isinstance(given, Mapping):
            raise HonoursError(
                gettext_noop("%(field)s: “%(value)s” is not a list of points per level."),
                field="points",
                value=given,
            )
        for word, value in given.items():
            level = parse_level(str(word), field="points")
            points[level] = _whole(value, f"points.{level.value}", 0)
        return cls(
            points=points,
            window_years=_whole(record.get("window_years", 3), "window_years", 1),
            cap=_whole(record.get("cap", 15), "cap", 1),
        )

    def to_record(self) -> dict[str, object]:
        """Every value written out, in the form `from_record` reads."""
        return {
            "points": {level.value: self.points[level] for level in Level},
            "window_years": self.window_years,
            "cap": self.cap,
        }


HonoursRule.DEFAULT = HonoursRule()


@dataclass(frozen=True)
class Honour:
    """One honour of a unit. `key` is the caller's id for it (a row number, a primary key)."""

    document: str
    level: Level
    day: date
    key: object = None


class Reason(StrEnum):
    COUNTED = "counted"
    OUTSIDE_WINDOW = "outside_window"
    # The same document counts through another record: at a higher level, or at the same level
    # through the one given first.
    LOWER_LEVEL = "lower_level"


@dataclass(frozen=True)
class CountedHonour:
    honour: Honour
    points: int
    reason: Reason


@dataclass(frozen=True)
class HonoursScore:
    points: int  # after the cap
    uncapped: int
    capped: bool
    component: Decimal  # points ÷ cap × 100, 2 places half-up
    items: tuple[CountedHonour, ...]  # every honour given, in its order, with why it counts or not


def honours_score(honours: Iterable[Honour], rule: HonoursRule, on: date) -> HonoursScore:
    """One unit's honours on the reference date `on`.

    Honours outside the window do not count. Of the honours within it that share a normalised
    document, the one at the highest level counts (the first given on a tie), the others not.
    """
    given = list(honours)
    best: dict[str, int] = {}  # normalised document → index of the honour that counts
    for index, honour in enumerate(given):
        if not in_window(honour.day, on, rule.window_years):
            continue
        document = normalise_document(honour.document)
        current = best.get(document)
        if current is None or honour.level.rank > given[current].level.rank:
            best[document] = index
    counting = set(best.values())
    items = []
    for index, honour in enumerate(given):
        if index in counting:
            items.append(CountedHonour(honour, rule.points[honour.level], Reason.COUNTED))
        elif not in_window(honour.day, on, rule.window_years):
            items.append(CountedHonour(honour, 0, Reason.OUTSIDE_WINDOW))
        else:
            items.append(CountedHonour(honour, 0, Reason.LOWER_LEVEL))
    uncapped = sum(item.points for item in items)
    points = min(uncapped, rule.cap)
    return HonoursScore(
        points=points,
        uncapped=uncapped,
        capped=uncapped > rule.cap,
        component=round_half_up(Fraction(points * 100, rule.cap), 2),
        items=tuple(items),
    )
