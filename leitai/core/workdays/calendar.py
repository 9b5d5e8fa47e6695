"""Whether a day is a working day in China, and which source says so.

The `chinese-calendar` package knows a run of years (2004–2026 in 1.11.0) and raises
NotImplementedError for any other. For those others the organisers enter the year's holidays and
make-up working days; an entered year is used only where the package knows nothing, so a package
upgrade that learns the year takes over from the entry (the page says which source applies).
A day of a year neither knows raises UnknownYear: a period must never be guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar
from chinese_calendar import constants
from django.utils.translation import gettext

PACKAGE_VERSION: str = chinese_calendar.__version__
# The years the package has data for; it refuses a day of any other year.
PACKAGE_FIRST_YEAR: int = min(constants.holidays).year
PACKAGE_LAST_YEAR: int = max(constants.holidays).year


def package_knows(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


class UnknownYear(ValueError):
    """A day of a year neither the package nor the organisers' table knows.

    Its text is the refusal people read, in the active language when it is shown:
    "add the holidays of 2027" (请先录入2027年的节假日安排).
    """

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        return gettext("add the holidays of %(year)s") % {"year": self.year}


class Source(StrEnum):
    PACKAGE = "package"
    TABLE = "table"


@dataclass(frozen=True)
class YearTable:
    """One year as the organisers entered it: holiday → name, make-up working day → name."""

    year: int
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)


def package_year(year: int) -> YearTable:
    """The package's holidays and make-up working days of a year it knows, named in Chinese."""
    if not package_knows(year):
        raise UnknownYear(year)

    def named(days: Mapping[dt.date, str]) -> dict[dt.date, str]:
        return {
            day: constants.Holiday(name).chinese
            for day, name in sorted(days.items())
            if day.year == year
        }

    return YearTable(year, named(constants.holidays), named(constants.workdays))


class WorkCalendar:
    """The package's years, then the entered ones (only where the package knows nothing)."""

    def __init__(self, entered: Mapping[int, YearTable] | None = None) -> None:
        self._entered = {
            year: table for year, table in (entered or {}).items() if not package_knows(year)
        }

    def source_of(self, year: int) -> Source | None:
        if package_knows(year):
            return Source.PACKAGE
        return Source.TABLE if year in self._entered else None

    def knows(self, year: int) -> bool:
        return self.source_of(year) is not None

    def is_working_day(self, day: dt.date) -> bool:
        if package_knows(day.year):
            # chinese_calendar.is_workday's rule, without its range check: that takes the min and
            # max of every date it holds on each call (tests compare with its get_workdays).
            return day in constants.workdays or (
                day.weekday() < 5 and day not in constants.holidays
            )
        table = self._entered.get(day.year)
        if table is None:
            raise UnknownYear(day.year)
        if day in table.workdays:
            return True
        return day not in table.holidays and day.weekday() < 5
