"""Notice periods on China's calendar, on real periods whose dates were checked by hand against
the State Council's notices (国务院办公厅关于节假日安排的通知) of each year."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from leitai.core.workdays.calendar import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    Source,
    UnknownYear,
    WorkCalendar,
    YearTable,
    package_year,
)
from leitai.core.workdays.period import BEIJING, Counting, Period, notice_period

D = dt.date.fromisoformat
CALENDAR = WorkCalendar()


def period(start: str, days: int = 5, counting: Counting = Counting.WORKING_DAYS) -> Period:
    return notice_period(D(start), calendar=CALENDAR, days=days, counting=counting)


def test_package_years_are_2004_to_2026() -> None:
    assert (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR) == (2004, 2026)
    assert CALENDAR.source_of(2026) == Source.PACKAGE
    assert CALENDAR.source_of(2027) is None


def test_every_day_the_package_knows_agrees_with_its_own_is_workday() -> None:
    day, last = dt.date(PACKAGE_FIRST_YEAR, 1, 1), dt.date(PACKAGE_LAST_YEAR, 12, 31)
    while day <= last:
        assert CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_shandong_2022_notice_from_a_make_up_saturday_is_five_working_days() -> None:
    # 2022 劳动节: 04-30..05-04 off, Saturday 05-07 worked in exchange, Sunday 05-08 off.
    shandong = period("2022-05-07")
    assert (shandong.first_day, shandong.last_day) == (D("2022-05-07"), D("2022-05-12"))
    assert shandong.closes_at == dt.datetime(2022, 5, 13, 0, 0, tzinfo=BEIJING)
    assert shandong.closes_at.isoformat() == "2022-05-13T00:00:00+08:00"


def test_notice_before_national_day_2024_counts_the_make_up_sunday() -> None:
    # 2024 国庆: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 worked. From Friday 09-27:
    # 09-27, 09-29 (Sun, worked), 09-30, then 10-08, 10-09.
    notice = period("2024-09-27")
    assert (notice.first_day, notice.last_day) == (D("2024-09-27"), D("2024-10-09"))
    assert notice.closes_at == dt.datetime(2024, 10, 10, tzinfo=BEIJING)


def test_notice_before_national_day_2023_resumes_on_the_make_up_weekend() -> None:
    # 2023 中秋国庆: 09-29..10-06 off; Saturday 10-07 and Sunday 10-08 worked. From Thursday 09-28
    # (the last working day before it): 09-28, 10-07, 10-08, 10-09, 10-10.
    notice = period("2023-09-28")
    assert (notice.first_day, notice.last_day) == (D("2023-09-28"), D("2023-10-10"))


def test_notice_published_on_national_day_starts_after_it_and_ends_on_a_make_up_saturday() -> None:
    # Day 1 is the next working day, 10-08; day 5 is Saturday 10-12, worked in exchange.
    notice = period("2024-10-01")
    assert (notice.start, notice.first_day, notice.last_day) == (
        D("2024-10-01"),
        D("2024-10-08"),
        D("2024-10-12"),
    )


def test_notice_spanning_spring_festival_2024() -> None:
    # 2024 春节: 02-10..02-17 off; Sundays 02-04 and 02-18 worked. From Thursday 02-08:
    # 02-08, 02-09, 02-18 (Sun, worked), 02-19, 02-20.
    notice = period("2024-02-08")
    assert (notice.first_day, notice.last_day) == (D("2024-02-08"), D("2024-02-20"))
    assert notice.closes_at == dt.datetime(2024, 2, 21, tzinfo=BEIJING)


def test_notice_from_the_make_up_sunday_before_spring_festival_2024() -> None:
    # Sunday 02-04 is a working day, so it is day 1: 02-04, 02-05, 02-06, 02-07, 02-08.
    notice = period("2024-02-04")
    assert (notice.first_day, notice.last_day) == (D("2024-02-04"), D("2024-02-08"))


def test_notice_published_on_a_plain_saturday_starts_on_monday() -> None:
    notice = period("2024-03-02")
    assert (notice.first_day, notice.last_day) == (D("2024-03-04"), D("2024-03-08"))


def test_calendar_days_count_every_day_from_the_start() -> None:
    notice = period("2024-09-27", counting=Counting.CALENDAR_DAYS)
    assert (notice.first_day, notice.last_day) == (D("2024-09-27"), D("2024-10-01"))
    assert notice.closes_at == dt.datetime(2024, 10, 2, tzinfo=BEIJING)
    # A Saturday start is day 1 too, and calendar days need no year's holidays.
    late = period("2026-12-26", days=7, counting=Counting.CALENDAR_DAYS)
    assert (late.first_day, late.last_day) == (D("2026-12-26"), D("2027-01-01"))


def test_time_left_until_24_00_of_the_last_day_in_beijing() -> None:
    notice = period("2022-05-07")
    # 2022-05-12 23:00 in Beijing is 15:00 UTC: one hour left.
    at = dt.datetime(2022, 5, 12, 15, 0, tzinfo=dt.UTC)
    assert notice.time_left(at) == dt.timedelta(hours=1)
    assert not notice.is_closed(at)
    closing = dt.datetime(2022, 5, 12, 16, 0, tzinfo=dt.UTC)
    assert notice.time_left(closing) == dt.timedelta(0)
    assert notice.is_closed(closing)
    assert notice.time_left(closing + dt.timedelta(days=3)) == dt.timedelta(0)
    assert notice.time_left(dt.datetime(2022, 5, 6, 16, 0, tzinfo=dt.UTC)) == dt.timedelta(days=6)
    with pytest.raises(ValueError, match="aware"):
        notice.time_left(dt.datetime(2022, 5, 12, 15, 0))


def test_a_period_reaching_an_unknown_year_is_refused() -> None:
    # 2026-12-28 (Mon) .. 12-31 are four working days; the fifth falls in 2027.
    with pytest.raises(UnknownYear) as refused, translation.override("en"):
        period("2026-12-28")
    assert isinstance(refused.value, ValueError)
    assert refused.value.year == 2027
    with translation.override("en"):
        assert str(refused.value) == "add the holidays of 2027"
    with translation.override("zh-hans"):
        assert str(refused.value) == "请先录入2027年的节假日安排"
    # Ending on 12-31 reaches no further: accepted.
    assert period("2026-12-25").last_day == D("2026-12-31")


def test_the_same_period_is_accepted_once_the_year_is_entered() -> None:
    year_2027 = YearTable(2027, {D("2027-01-01"): "元旦"}, {})
    entered = WorkCalendar({2027: year_2027})
    assert entered.source_of(2027) == Source.TABLE
    notice = notice_period(D("2026-12-28"), calendar=entered)
    # 01-01 (Fri) is a holiday, 01-02 and 01-03 a weekend: day 5 is Monday 01-04.
    assert notice.last_day == D("2027-01-04")


def test_an_entered_year_the_package_knows_is_not_used() -> None:
    wrong = YearTable(2024, {D("2024-09-27"): "不是假日"}, {})
    calendar = WorkCalendar({2024: wrong})
    assert calendar.source_of(2024) == Source.PACKAGE
    assert calendar.is_working_day(D("2024-09-27"))


def test_an_entered_make_up_working_day_and_holiday() -> None:
    table = YearTable(2027, {D("2027-10-01"): "国庆节"}, {D("2027-09-26"): "国庆节"})
    calendar = WorkCalendar({2027: table})
    assert calendar.is_working_day(D("2027-09-26"))  # a Sunday worked
    assert not calendar.is_working_day(D("2027-10-01"))  # a Friday off
    assert not calendar.is_working_day(D("2027-10-02"))  # a plain Saturday
    assert calendar.is_working_day(D("2027-10-04"))  # a plain Monday


def test_package_year_names_days_in_chinese() -> None:
    table = package_year(2024)
    assert table.holidays[D("2024-10-01")] == "国庆节"
    assert table.workdays == {
        D("2024-02-04"): "春节",
        D("2024-02-18"): "春节",
        D("2024-04-07"): "清明",
        D("2024-04-28"): "劳动节",
        D("2024-05-11"): "劳动节",
        D("2024-09-14"): "中秋",
        D("2024-09-29"): "国庆节",
        D("2024-10-12"): "国庆节",
    }


def test_period_length_is_checked() -> None:
    with pytest.raises(ValueError, match="1 to 60 days"):
        period("2024-03-04", days=0)
    with pytest.raises(ValueError, match="1 to 60 days"):
        period("2024-03-04", days=61)


@given(
    start=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 10, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_a_period_holds_exactly_n_working_days_and_ends_on_one(start: dt.date, days: int) -> None:
    notice = period(start.isoformat(), days=days)
    # Counted by the package's own function, independently of our loop.
    working = chinese_calendar.get_workdays(notice.first_day, notice.last_day)
    assert len(working) == days
    assert (working[0], working[-1]) == (notice.first_day, notice.last_day)
    assert not chinese_calendar.get_workdays(notice.start, notice.first_day)[:-1]
    assert notice.closes_at.astimezone(BEIJING).time() == dt.time(0)
    assert notice.closes_at.date() == notice.last_day + dt.timedelta(days=1)


@given(
    start=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_calendar_day_periods_hold_exactly_n_days(start: dt.date, days: int) -> None:
    notice = period(start.isoformat(), days=days, counting=Counting.CALENDAR_DAYS)
    assert notice.first_day == start
    assert (notice.last_day - notice.first_day).days + 1 == days
