"""Reading the organisers' pasted holidays: the forms people write, and each mistake named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from leitai.core.workdays.lines import YearInputError, read_year, write_lines

D = dt.date.fromisoformat
NO_NAME = "has no name (write it after the date, e.g. 2027-10-01 国庆节)"


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


def problems_of(holidays: str, workdays: str = "", year: int = 2027) -> list[str]:
    with pytest.raises(YearInputError) as refused:
        read_year(year, holidays, workdays)
    return refused.value.problems


def test_days_and_ranges_in_the_ways_people_write_them() -> None:
    table = read_year(
        2027,
        "# 2027\n2027-01-01 元旦\n\n2027-02-06..2027-02-08 春节\n2027年4月5日 清明\n"
        "２０２７－０５－０１ 劳动节\n2027/10/1-10/3 国庆节\n2027-10-04~05\t国庆节\n",
        "2027-02-14 春节\n2027年9月26日（周日） 国庆节\n",
    )
    assert table.holidays == {
        D("2027-01-01"): "元旦",
        D("2027-02-06"): "春节",
        D("2027-02-07"): "春节",
        D("2027-02-08"): "春节",
        D("2027-04-05"): "清明",
        D("2027-05-01"): "劳动节",
        D("2027-10-01"): "国庆节",
        D("2027-10-02"): "国庆节",
        D("2027-10-03"): "国庆节",
        D("2027-10-04"): "国庆节",
        D("2027-10-05"): "国庆节",
    }
    assert table.workdays == {D("2027-02-14"): "春节", D("2027-09-26"): "(周日) 国庆节"}


def test_written_back_as_ranges_and_read_again_unchanged() -> None:
    table = read_year(2027, "2027-10-01..2027-10-07 国庆节\n2027-01-01 元旦", "2027-09-26 国庆节")
    text = write_lines(dict(table.holidays))
    assert text == "2027-01-01 元旦\n2027-10-01..2027-10-07 国庆节"
    assert read_year(2027, text, write_lines(dict(table.workdays))) == table


def test_each_problem_names_field_line_and_value() -> None:
    assert problems_of(
        "2027-01-01 元旦\nnot a date\n2027-02-30 春节\n2028-01-01 元旦\n"
        "2027-02-10..2027-02-06 春节\n2027-01-01..2027-03-01 长假\n2027-05-01\n2027-05-01 7\n"
        "2027-01-01 元旦again\n"
    ) == [
        "Holidays, line 2: “not a date” is not a date or a range of dates "
        "(write 2027-10-01 国庆节 or 2027-10-01..2027-10-07 国庆节)",
        "Holidays, line 3: “2027-02-30 春节” is not a real date",
        "Holidays, line 4: 2028-01-01 is not in 2027",
        "Holidays, line 5: the range 2027-02-10..2027-02-06 ends before it starts",
        "Holidays, line 6: the range 2027-01-01..2027-03-01 is longer than 31 days",
        f"Holidays, line 7: 2027-05-01 {NO_NAME}",
        f"Holidays, line 8: 2027-05-01 7 {NO_NAME}",
        "Holidays, line 9: 2027-01-01 is already on line 1",
    ]


def test_a_day_both_holiday_and_make_up_day_and_a_weekday_make_up_day() -> None:
    assert problems_of(
        "2027-02-06..2027-02-13 春节", "2027-02-20 春节\n2027-02-13 春节\n2027-02-15 春节"
    ) == [
        "2027-02-13 is both a holiday (line 1) and a make-up working day (line 2)",
        "Make-up working days, line 3: 2027-02-15 is a Monday; a make-up working day is a "
        "Saturday or Sunday",
    ]


def test_a_year_without_holidays_and_a_long_name() -> None:
    assert problems_of("", "2027-02-20 春节") == [
        "Holidays, line 1: enter at least one holiday of 2027"
    ]
    assert problems_of("2027-01-01 " + "元" * 41) == [
        f"Holidays, line 1: the name “{'元' * 41}” is longer than 40 characters"
    ]


def test_problems_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert problems_of("2028-01-01 元旦") == ["节假日，第1行：2028-01-01不在2027年内"]
