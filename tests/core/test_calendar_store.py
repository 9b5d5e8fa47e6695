"""The organisers' holiday table: saved on the ledger, used for the years the package lacks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from leitai.core.models import HolidayDate, HolidayYear
from leitai.core.workdays.audit import replay_calendar
from leitai.core.workdays.calendar import UnknownYear
from leitai.core.workdays.lines import YearInputError
from leitai.core.workdays.period import notice_period
from leitai.core.workdays.store import StaleYear, current_calendar, save_year
from leitai.ledger.chain import entries_of
from leitai.ledger.models import LedgerEntry
from leitai.ledger.verify import verify_database
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
HOLIDAYS_2027 = "2027-01-01 元旦\n2027-02-06..2027-02-13 春节\n2027-10-01..2027-10-07 国庆节"


def test_unknown_year_refused_then_accepted_once_entered() -> None:
    with pytest.raises(UnknownYear):
        notice_period(D("2026-12-28"), calendar=current_calendar())
    organiser = make_user("cal-organiser")
    saved = save_year(
        year=2027, holidays=HOLIDAYS_2027, workdays="2027-02-14 春节", by=organiser, version=None
    )
    assert saved.changed
    notice = notice_period(D("2026-12-28"), calendar=current_calendar())
    assert notice.last_day == D("2027-01-04")
    # Spring festival 2027 as entered: 02-05 (Fri), then 02-14 (Sun, worked), 02-15 ...
    spring = notice_period(D("2027-02-05"), calendar=current_calendar())
    assert spring.last_day == D("2027-02-17")


def test_every_save_is_on_the_ledger_and_verifies() -> None:
    organiser = make_user("cal-organiser")
    save_year(year=2027, holidays=HOLIDAYS_2027, workdays="", by=organiser, version=None)
    save_year(
        year=2027, holidays=HOLIDAYS_2027, workdays="2027-09-26 国庆节", by=organiser, version=1
    )
    entries = entries_of("calendar:2027")
    assert [e["kind"] for e in entries] == ["holidays_entered", "holidays_changed"]
    body = json.loads(entries[-1]["body"])
    assert body["actor"] == "cal-organiser"
    assert body["data"]["workdays"] == [{"date": "2027-09-26", "name": "国庆节"}]
    assert len(body["data"]["holidays"]) == 1 + 8 + 7
    replay = replay_calendar("calendar:2027", entries)
    assert replay.problems == []
    assert replay.workdays == {"2027-09-26": "国庆节"}
    reports = {r.chain: r for r in verify_database()}
    assert reports["calendar:2027"].problems == []
    assert reports["calendar:2027"].detail == "16 holidays, 1 make-up working days"


def test_verify_names_a_row_changed_behind_the_ledger() -> None:
    organiser = make_user("cal-organiser")
    save_year(year=2027, holidays=HOLIDAYS_2027, workdays="", by=organiser, version=None)
    HolidayDate.objects.filter(day=D("2027-01-01")).update(name="假元旦")
    problems = [str(p) for p in {r.chain: r for r in verify_database()}["calendar:2027"].problems]
    assert problems == [
        "calendar:2027: holiday 2027-01-01: '假元旦' in the table, '元旦' on the ledger"
    ]


def test_an_unchanged_save_writes_nothing() -> None:
    organiser = make_user("cal-organiser")
    save_year(year=2027, holidays=HOLIDAYS_2027, workdays="", by=organiser, version=None)
    again = save_year(
        year=2027,
        holidays=HOLIDAYS_2027.replace("\n", "\n\n"),
        workdays="",
        by=organiser,
        version=1,
    )
    assert not again.changed
    assert LedgerEntry.objects.filter(chain="calendar:2027").count() == 1
    assert HolidayYear.objects.get(year=2027).version == 1


def test_a_stale_version_changes_nothing() -> None:
    organiser = make_user("cal-organiser")
    save_year(year=2027, holidays=HOLIDAYS_2027, workdays="", by=organiser, version=None)
    with pytest.raises(StaleYear):
        save_year(year=2027, holidays="2027-01-01 元旦", workdays="", by=organiser, version=None)
    with pytest.raises(StaleYear):
        save_year(year=2027, holidays="2027-01-01 元旦", workdays="", by=organiser, version=7)
    assert HolidayDate.objects.count() == 16
    assert LedgerEntry.objects.filter(chain="calendar:2027").count() == 1


def test_a_year_the_package_knows_is_not_entered() -> None:
    organiser = make_user("cal-organiser")
    with translation.override("en"), pytest.raises(YearInputError) as refused:
        save_year(year=2024, holidays="2024-10-01 国庆节", workdays="", by=organiser, version=None)
    assert refused.value.problems == [
        "2024 is known from the chinese-calendar package (1.11.0, years 2004–2026); only other "
        "years are entered here"
    ]
    assert not HolidayYear.objects.exists()


def forged(seq: int, kind: str, data: dict[str, object]) -> dict[str, object]:
    body = json.dumps({"actor": "x", "at": "2026-12-05T00:00:00+00:00", "data": data})
    return {"seq": seq, "kind": kind, "body": body, "hash": f"{seq:064d}"}


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        (
            [forged(1, "holidays_changed", {"year": 2027, "holidays": [], "workdays": []})],
            "calendar:2027 #1 holidays_changed: a year's chain holds holidays_entered here, "
            "not holidays_changed",
        ),
        (
            [forged(1, "holidays_entered", {"year": 2028, "holidays": [], "workdays": []})],
            "calendar:2027 #1 holidays_entered: the entry is about 2028, not 2027",
        ),
        (
            [
                forged(
                    1,
                    "holidays_entered",
                    {
                        "year": 2027,
                        "holidays": [{"date": "2027-10-01", "name": "国庆节"}],
                        "workdays": [{"date": "2027-10-01", "name": "国庆节"}],
                    },
                )
            ],
            "calendar:2027 #1 holidays_entered: 2027-10-01 is both a holiday and a make-up "
            "working day",
        ),
        (
            [
                forged(
                    1,
                    "holidays_entered",
                    {
                        "year": 2027,
                        "holidays": [{"date": "2028-01-01", "name": "元旦"}],
                        "workdays": [],
                    },
                )
            ],
            "calendar:2027 #1 holidays_entered: holidays holds 2028-01-01, outside 2027",
        ),
    ],
)
def test_replay_names_an_entry_the_service_could_not_have_written(
    entries: list[dict[str, object]], problem: str
) -> None:
    replay = replay_calendar("calendar:2027", entries)
    assert [str(p) for p in replay.problems] == [problem]
