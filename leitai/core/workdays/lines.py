"""The organisers' pasted holidays and make-up working days, read line by line.

One day or one range per line, then its name:

    2027-01-01 元旦
    2027-02-06..2027-02-13 春节        (also 2027-02-06 至 2027-02-13, 2027-02-06~13, 2027/2/6-2/13,
                                      2027年2月6日至13日)

Full-width digits and punctuation are read as their ASCII forms (NFKC). Blank lines and lines
starting with # are skipped. Every problem is named with its field, line and value, and one bad
line refuses the whole year: nothing is stored unless everything reads.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leitai.core.workdays.calendar import YearTable

MAX_RANGE_DAYS = 31
MAX_NAME = 40
SHOWN_VALUE = 60  # the most of a bad line an error repeats

_Y = r"\s*[-/.年]\s*"  # after the year
_M = r"\s*[-/.月]\s*"  # after the month
_LINE = re.compile(
    rf"""^(?P<y1>\d{{4}}){_Y}(?P<m1>\d{{1,2}}){_M}(?P<d1>\d{{1,2}})\s*日?
    (?:\s*(?:\.\.|~|至|到|–|—|-)\s*
       (?:(?P<y2>\d{{4}}){_Y})?(?:(?P<m2>\d{{1,2}}){_M})?(?P<d2>\d{{1,2}})\s*日?
    )?
    (?:[\s,，:：、;；]+|(?=\D)|$)(?P<name>.*)$""",
    re.VERBOSE,
)

HOLIDAYS_FIELD = gettext_lazy("Holidays")
WORKDAYS_FIELD = gettext_lazy("Make-up working days")


class YearInputError(ValueError):
    """The pasted year does not read; `problems` names each line that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    day: dt.date
    name: str
    line: int


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


def _problem(field: Any, line: int, text: str) -> str:
    return _("%(field)s, line %(line)s: %(problem)s") % {
        "field": field,
        "line": line,
        "problem": text,
    }


def _range(match: re.Match[str]) -> tuple[dt.date, dt.date]:
    """The first and last day; ValueError for a date that does not exist."""
    first = dt.date(int(match["y1"]), int(match["m1"]), int(match["d1"]))
    if match["d2"] is None:
        return first, first
    last = dt.date(
        int(match["y2"] or first.year), int(match["m2"] or first.month), int(match["d2"])
    )
    return first, last


def read_lines(text: str, *, year: int, field: Any) -> tuple[list[Entry], list[str]]:
    """The days the text names, each with its name and line; and the problems found."""
    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(
                _problem(
                    field,
                    number,
                    _(
                        "“%(value)s” is not a date or a range of dates "
                        "(write 2027-10-01 国庆节 or 2027-10-01..2027-10-07 国庆节)"
                    )
                    % {"value": _shown(line)},
                )
            )
            continue
        try:
            first, last = _range(match)
        except ValueError:
            problems.append(
                _problem(
                    field, number, _("“%(value)s” is not a real date") % {"value": _shown(line)}
                )
            )
            continue
        name = match["name"].strip()
        span = (last - first).days + 1
        if first.year != year or last.year != year:
            outside = first if first.year != year else last
            problems.append(
                _problem(
                    field,
                    number,
                    _("%(date)s is not in %(year)s") % {"date": outside.isoformat(), "year": year},
                )
            )
        elif span < 1:
            problems.append(
                _problem(
                    field,
                    number,
                    _("the range %(first)s..%(last)s ends before it starts")
                    % {"first": first.isoformat(), "last": last.isoformat()},
                )
            )
        elif span > MAX_RANGE_DAYS:
            problems.append(
                _problem(
                    field,
                    number,
                    _("the range %(first)s..%(last)s is longer than %(max)s days")
                    % {"first": first.isoformat(), "last": last.isoformat(), "max": MAX_RANGE_DAYS},
                )
            )
        elif not any(ch.isalpha() for ch in name):  # "2027-10-01 7" is a range mistyped
            problems.append(
                _problem(
                    field,
                    number,
                    _("%(value)s has no name (write it after the date, e.g. 2027-10-01 国庆节)")
                    % {"value": _shown(line)},
                )
            )
        elif len(name) > MAX_NAME:
            problems.append(
                _problem(
                    field,
                    number,
                    _("the name “%(name)s” is longer than %(max)s characters")
                    % {"name": _shown(name), "max": MAX_NAME},
                )
            )
        else:
            for offset in range(span):
                day = first + dt.timedelta(days=offset)
                if day in seen:
                    problems.append(
                        _problem(
                            field,
                            number,
                            _("%(date)s is already on line %(other)s")
                            % {"date": day.isoformat(), "other": seen[day]},
                        )
                    )
                    continue
                seen[day] = number
                entries.append(Entry(day, name, number))
    return entries, problems


def read_year(year: int, holidays: str, workdays: str) -> YearTable:
    """The year's table from the two pasted fields; YearInputError naming every problem."""
    holiday_entries, problems = read_lines(holidays, year=year, field=HOLIDAYS_FIELD)
    workday_entries, workday_problems = read_lines(workdays, year=year, field=WORKDAYS_FIELD)
    problems += workday_problems
    if not holiday_entries and not problems:
        problems.append(
            _problem(
                HOLIDAYS_FIELD, 1, _("enter at least one holiday of %(year)s") % {"year": year}
            )
        )
    holiday_lines = {entry.day: entry.line for entry in holiday_entries}
    for entry in workday_entries:
        if entry.day in holiday_lines:
            problems.append(
                _(
                    "%(date)s is both a holiday (line %(holiday_line)s) and a make-up working day "
                    "(line %(workday_line)s)"
                )
                % {
                    "date": entry.day.isoformat(),
                    "holiday_line": holiday_lines[entry.day],
                    "workday_line": entry.line,
                }
            )
        elif entry.day.weekday() < 5:
            problems.append(
                _problem(
                    WORKDAYS_FIELD,
                    entry.line,
                    _("%(date)s is a %(weekday)s; a make-up working day is a Saturday or Sunday")
                    % {"date": entry.day.isoformat(), "weekday": WEEKDAYS[entry.day.weekday()]},
                )
            )
    if problems:
        raise YearInputError(problems)
    return YearTable(
        year,
        {entry.day: entry.name for entry in sorted(holiday_entries, key=lambda e: e.day)},
        {entry.day: entry.name for entry in sorted(workday_entries, key=lambda e: e.day)},
    )


def write_lines(days: dict[dt.date, str]) -> str:
    """The inverse of read_lines: consecutive days of one name as one range (for the form)."""
    lines: list[str] = []
    run: list[dt.date] = []
    for day in sorted(days):
        if run and day - run[-1] == dt.timedelta(days=1) and days[day] == days[run[0]]:
            run.append(day)
            continue
        if run:
            lines.append(_line(run, days[run[0]]))
        run = [day]
    if run:
        lines.append(_line(run, days[run[0]]))
    return "\n".join(lines)


def _line(run: list[dt.date], name: str) -> str:
    if len(run) == 1:
        return f"{run[0].isoformat()} {name}"
    return f"{run[0].isoformat()}..{run[-1].isoformat()} {name}"
