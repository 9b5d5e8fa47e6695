"""The organisers' table of holidays: saving a year (on the ledger), reading the calendar.

Every save is one transaction: the year's row (compare-and-set on `version`), its days replaced,
and an entry on the chain calendar:<year> holding the whole year as saved, so the ledger alone
says what the table held at any time and who entered it (`audit.py` replays it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.core.models import HolidayDate, HolidayDayKind, HolidayYear
from leitai.core.workdays.audit import Kind, chain_of, year_data
from leitai.core.workdays.calendar import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    PACKAGE_VERSION,
    WorkCalendar,
    YearTable,
    package_knows,
)
from leitai.core.workdays.lines import YearInputError, read_year
from leitai.ledger.chain import append

FIRST_YEAR, LAST_YEAR = 2000, 2100


class StaleYear(Exception):
    """Someone else saved the year after the form was opened; nothing changed."""


@dataclass(frozen=True)
class Saved:
    table: YearTable
    changed: bool  # False: the same days and names as stored; nothing was written


def entered_tables(years: list[int] | None = None) -> dict[int, YearTable]:
    """The entered years (all, or those named), read in one query."""
    rows = HolidayDate.objects.select_related(None).values_list("year__year", "day", "kind", "name")
    if years is not None:
        rows = rows.filter(year__year__in=years)
    holidays: dict[int, dict[dt.date, str]] = {}
    workdays: dict[int, dict[dt.date, str]] = {}
    for year, day, kind, name in rows.order_by("day"):
        target = holidays if kind == HolidayDayKind.HOLIDAY else workdays
        target.setdefault(year, {})[day] = name
    return {
        year: YearTable(year, holidays.get(year, {}), workdays.get(year, {}))
        for year in sorted(set(holidays) | set(workdays))
    }


def current_calendar() -> WorkCalendar:
    """The package's years and the entered ones; one query. Build it per request or per period:
    it does not follow later saves."""
    return WorkCalendar(entered_tables())


def check_year(year: int) -> None:
    """Only a year the package does not know is entered; YearInputError otherwise."""
    if package_knows(year):
        raise YearInputError(
            [
                _(
                    "%(year)s is known from the chinese-calendar package (%(version)s, years "
                    "%(first)s–%(last)s); only other years are entered here"
                )
                % {
                    "year": year,
                    "version": PACKAGE_VERSION,
                    "first": PACKAGE_FIRST_YEAR,
                    "last": PACKAGE_LAST_YEAR,
                }
            ]
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearInputError(
            [
                _("%(year)s is not a year from %(first)s to %(last)s")
                % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
            ]
        )


def save_year(*, year: int, holidays: str, workdays: str, by: Any, version: int | None) -> Saved:
    """Enter or replace a year from the pasted lines. `version` is the one the form showed
    (None: the year was not entered then). YearInputError names every bad line; StaleYear when
    the year changed meanwhile. Nothing is written on either."""
    check_year(year)
    table = read_year(year, holidays, workdays)
    with transaction.atomic():
        row = HolidayYear.objects.filter(year=year).first()
        if (row.version if row else None) != version:
            raise StaleYear
        if row is not None and entered_tables([year]).get(year) == table:
            return Saved(table, changed=False)
        if row is None:
            try:
                with transaction.atomic():
                    row = HolidayYear.objects.create(year=year, entered_by=by)
            except IntegrityError:  # entered by someone else at the same moment
                raise StaleYear from None
            kind = Kind.ENTERED
        else:
            # Compare-and-set: holds on SQLite, where select_for_update does nothing.
            if not HolidayYear.objects.filter(pk=row.pk, version=row.version).update(
                version=row.version + 1, entered_by=by, updated_at=timezone.now()
            ):
                raise StaleYear
            row.refresh_from_db()
            row.dates.all().delete()
            kind = Kind.CHANGED
        HolidayDate.objects.bulk_create(
            [
                HolidayDate(year=row, day=day, kind=HolidayDayKind.HOLIDAY, name=name)
                for day, name in table.holidays.items()
            ]
            + [
                HolidayDate(year=row, day=day, kind=HolidayDayKind.WORKDAY, name=name)
                for day, name in table.workdays.items()
            ]
        )
        append(chain=chain_of(year), kind=kind, data=year_data(table), actor=by.username)
    return Saved(table, changed=True)


def years_to_enter(today: dt.date) -> list[int]:
    """This year and the next, where neither the package nor the table knows them (one query)."""
    entered = set(HolidayYear.objects.values_list("year", flat=True))
    return [
        year
        for year in (today.year, today.year + 1)
        if not package_knows(year) and year not in entered
    ]
