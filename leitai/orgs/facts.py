"""A unit's facts: its founding month, its number of members, whether it has party groups (党小组).

One parser per fact, used by the tree import (a cell) and by the unit page's form (a field), so
both accept and refuse the same text. Empty text means "not known" (None), never a default. A
refusal is a `FactError` whose message says what is wrong and what to write, in the language
active when it is raised.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone
from django.utils.translation import gettext as _

# The Party was founded in July 1921: no unit of it is older.
EARLIEST_FOUNDED = dt.date(1921, 7, 1)
MAX_MEMBERS = 10_000_000
# 2019-03, 2019-3-15, 2019/3/15 (how Excel on Chinese Windows saves a date to CSV), 2019.03,
# 2019年3月, 2019年3月15日; an .xlsx date cell reads "2019-03-15 00:00:00".
_FOUNDED = re.compile(
    r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?|年(\d{1,2})月(?:(\d{1,2})日)?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
YES_WORDS = frozenset({"是", "有", "yes", "y", "true", "1"})
NO_WORDS = frozenset({"否", "无", "no", "n", "false", "0"})
# The order of the three facts wherever they travel together (import rows, the export).
FACT_FIELDS = ("founded", "members", "has_party_groups")


class FactError(ValueError):
    """Text that is not a valid value of the fact; the message is for people."""


def parse_founded(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """The founding month as its first day, or None for empty text.

    A day, when written, is checked (2019-02-30 is refused) and then dropped: the month is what
    the rules read. Refused: a date after today, and a month before July 1921.
    """
    text = text.strip()
    if not text:
        return None
    match = _FOUNDED.fullmatch(text)
    if match is None:
        raise FactError(_("Not a month: write 2019-03, 2019-03-15 or 2019年3月."))
    year = int(match.group(1))
    month = int(match.group(2) or match.group(4))
    day_text = match.group(3) or match.group(5)
    try:
        written = dt.date(year, month, int(day_text) if day_text else 1)
    except ValueError:
        raise FactError(_("No such date.")) from None
    if (today or timezone.localdate()) < written:
        raise FactError(_("In the future."))
    first = written.replace(day=1)
    if first < EARLIEST_FOUNDED:
        raise FactError(_("Before July 1921, when the Party was founded."))
    return first


def parse_members(text: str) -> int | None:
    """The number of members, a whole number from 0, or None for empty text."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise FactError(_("Not a whole number of 0 or more."))
    members = int(text)
    if members > MAX_MEMBERS:
        raise FactError(_("More than %(n)s.") % {"n": f"{MAX_MEMBERS:,}"})
    return members


def parse_party_groups(text: str) -> bool | None:
    """Whether the unit has party groups: 是/有/yes/true/1 or 否/无/no/false/0; None for empty."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    if lowered in YES_WORDS:
        return True
    if lowered in NO_WORDS:
        return False
    raise FactError(_("Write 是 or 否 (有 or 无), or leave it empty when not known."))


# -- writing the facts back: the export (re-imported unchanged) and the pages ------------------


def founded_cell(founded: dt.date | None) -> str:
    return founded.strftime("%Y-%m") if founded is not None else ""


def members_cell(members: int | None) -> str:
    return str(members) if members is not None else ""


def party_groups_cell(has_party_groups: bool | None) -> str:
    if has_party_groups is None:
        return ""
    return "是" if has_party_groups else "否"


def founded_label(founded: dt.date | None) -> str:
    """The month as people read it: 2019年3月 in Chinese, March 2019 in English; "" if unknown."""
    if founded is None:
        return ""
    return formats.date_format(founded, "YEAR_MONTH_FORMAT")
