"""A notice period (公示期): N days counted as working days or as calendar days.

The rule (issue 14): day 1 is the start date if it is a working day, else the next working day
(counting calendar days, day 1 is the start date); the notice closes at 24:00 of day N, Beijing
time — the instant 00:00 of the day after, in Asia/Shanghai. Counting working days, every day the
count passes through must be known (`UnknownYear` otherwise); counting calendar days needs no
holidays, so no year is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_DAYS = 5
# Notices run 5 to 7 days, some 10 or 15 (national ones 5 calendar days); a longer count is a typo.
MAX_DAYS = 60
ONE_DAY = dt.timedelta(days=1)


class Counting(models.TextChoices):
    WORKING_DAYS = "working", _("working days")
    CALENDAR_DAYS = "calendar", _("calendar days")


class Calendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Period:
    start: dt.date  # the date the notice was asked to start
    first_day: dt.date  # day 1
    last_day: dt.date  # day N
    days: int
    counting: Counting

    @property
    def closes_at(self) -> dt.datetime:
        """24:00 of day N in Beijing, as an aware instant."""
        return dt.datetime.combine(self.last_day + ONE_DAY, dt.time(0), tzinfo=BEIJING)

    def time_left(self, at: dt.datetime) -> dt.timedelta:
        """Until the notice closes; zero from the closing instant on."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("time_left needs an aware instant (a naive one has no time zone)")
        return max(self.closes_at - at, dt.timedelta(0))

    def is_closed(self, at: dt.datetime) -> bool:
        return self.time_left(at) == dt.timedelta(0)


def notice_period(
    start: dt.date,
    *,
    calendar: Calendar,
    days: int = DEFAULT_DAYS,
    counting: Counting = Counting.WORKING_DAYS,
) -> Period:
    """The period of a notice starting on `start`; raises UnknownYear (a ValueError) when a
    working day it counts on lies in a year whose holidays nobody has entered."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a notice period is 1 to {MAX_DAYS} days, not {days}")
    counting = Counting(counting)
    if counting == Counting.CALENDAR_DAYS:
        return Period(start, start, start + (days - 1) * ONE_DAY, days, counting)
    first = start
    while not calendar.is_working_day(first):
        first += ONE_DAY
    last, counted = first, 1
    while counted < days:
        last += ONE_DAY
        if calendar.is_working_day(last):
            counted += 1
    return Period(start, first, last, days, counting)
