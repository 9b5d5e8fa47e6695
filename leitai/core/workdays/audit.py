"""The organisers' holiday table on the ledger: one chain per entered year, calendar:<year>.

Each entry (`holidays_entered`, then `holidays_changed`) holds the whole year as saved, so the
replay keeps the last one and `leitai ledger verify` holds the table's rows against it: every day,
its kind and name, and who saved the year last. Importing this module loads no Django model and
needs no settings (leitai.cli registers the kind for the offline check of an exported file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leitai.ledger import registry
from leitai.ledger.checks import Problem, parse_body
from leitai.ledger.hashing import GENESIS

if TYPE_CHECKING:
    from leitai.core.workdays.calendar import YearTable

PREFIX = "calendar"
Days = dict[str, str]  # ISO date → name


class Kind:
    ENTERED = "holidays_entered"
    CHANGED = "holidays_changed"


def chain_of(year: int) -> str:
    return f"{PREFIX}:{year}"


def year_data(table: YearTable) -> dict[str, Any]:
    """An entry's data: the year, and its days as [{"date", "name"}] in date order."""

    def listed(days: Mapping[dt.date, str]) -> list[dict[str, str]]:
        return [{"date": day.isoformat(), "name": name} for day, name in sorted(days.items())]

    return {
        "year": table.year,
        "holidays": listed(table.holidays),
        "workdays": listed(table.workdays),
    }


@dataclass
class CalendarReplay:
    chain: str
    entries: int = 0
    head: tuple[int, str] = (0, GENESIS)
    holidays: Days = field(default_factory=dict)
    workdays: Days = field(default_factory=dict)
    saved_by: str = ""
    problems: list[Problem] = field(default_factory=list)

    def anchored_at(self) -> dict[str, int | None]:
        """A year's chain is not anchored in the global chain."""
        return {}

    def describe(self) -> str:
        return f"{len(self.holidays)} holidays, {len(self.workdays)} make-up working days"


def _days(data: Mapping[str, Any], key: str, year: int) -> Days:
    items = data.get(key)
    if not isinstance(items, list):
        raise ValueError(f"{key} is not a list")
    days: Days = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ValueError(f"{key} holds {item!r}, not a date with a name")
        day = dt.date.fromisoformat(str(item.get("date")))
        if day.year != year:
            raise ValueError(f"{key} holds {day}, outside {year}")
        if day.isoformat() in days:
            raise ValueError(f"{key} holds {day} twice")
        days[day.isoformat()] = item["name"]
    return days


def replay_calendar(chain: str, entries: Iterable[Mapping[str, Any]]) -> CalendarReplay:
    replay = CalendarReplay(chain)
    year = int(chain.partition(":")[2])
    for entry in entries:
        replay.entries += 1
        replay.head = (int(entry["seq"]), str(entry["hash"]))
        seq, kind = int(entry["seq"]), str(entry["kind"])

        def refuse(message: str, seq: int = seq, kind: str = kind) -> None:
            replay.problems.append(Problem(chain, seq, kind, message))

        expected = Kind.ENTERED if seq == 1 else Kind.CHANGED
        if kind != expected:
            refuse(f"a year's chain holds {expected} here, not {kind}")
            continue
        try:
            body = parse_body(entry)
            data = body["data"]
            if data.get("year") != year:
                raise ValueError(f"the entry is about {data.get('year')!r}, not {year}")
            holidays, workdays = _days(data, "holidays", year), _days(data, "workdays", year)
        except (ValueError, KeyError) as error:
            refuse(str(error))
            continue
        both = sorted(set(holidays) & set(workdays))
        if both:
            refuse(f"{both[0]} is both a holiday and a make-up working day")
            continue
        replay.holidays, replay.workdays = holidays, workdays
        replay.saved_by = str(body.get("actor", ""))
    return replay


class CalendarRecords:
    """The entered years in the database, read in two queries for a whole verification."""

    def __init__(self) -> None:
        from leitai.core.models import HolidayDate, HolidayDayKind, HolidayYear

        self.saved_by = dict(HolidayYear.objects.values_list("year", "entered_by__username"))
        self.days: dict[int, tuple[Days, Days]] = {year: ({}, {}) for year in self.saved_by}
        for year, day, kind, name in HolidayDate.objects.values_list(
            "year__year", "day", "kind", "name"
        ):
            holidays, workdays = self.days.setdefault(year, ({}, {}))
            (holidays if kind == HolidayDayKind.HOLIDAY else workdays)[day.isoformat()] = name

    def numbers(self) -> Iterable[int]:
        return self.days.keys()

    def compare(
        self, chain: str, number: int, replay: CalendarReplay, entries: registry.Entries
    ) -> list[Problem]:
        if number not in self.saved_by:
            return [Problem(chain, None, "", f"{number} is on the ledger but not in the table")]
        if not entries:
            return [Problem(chain, None, "", f"{number} is in the table but not on the ledger")]
        problems: list[Problem] = []
        stored_holidays, stored_workdays = self.days[number]
        for label, stored, recorded in (
            ("holiday", stored_holidays, replay.holidays),
            ("make-up working day", stored_workdays, replay.workdays),
        ):
            for day in sorted(set(stored) | set(recorded)):
                if stored.get(day) != recorded.get(day):
                    problems.append(
                        Problem(
                            chain,
                            None,
                            "",
                            f"{label} {day}: {stored.get(day)!r} in the table, "
                            f"{recorded.get(day)!r} on the ledger",
                        )
                    )
        if self.saved_by[number] != replay.saved_by:
            problems.append(
                Problem(
                    chain,
                    None,
                    "",
                    f"saved by {self.saved_by[number]!r} in the table, "
                    f"{replay.saved_by!r} on the ledger",
                )
            )
        return problems


def _compare() -> registry.Records[CalendarReplay]:
    return CalendarRecords()


def _export(text: str) -> dict[str, Any]:
    from leitai.ledger.exporting import EmptyChain, export_chain

    number = text.strip().removeprefix(f"{PREFIX}:")
    if not number.isdigit():
        raise ValueError(f"{text!r} is not a year's holiday chain (calendar:2027)")
    try:
        return export_chain(chain_of(int(number)), {"year": int(number)})
    except EmptyChain:
        raise LookupError(
            f"no ledger chain calendar:{number}: {number} was never entered"
        ) from None


CALENDAR_CHAINS = registry.ChainKind(
    prefix=PREFIX,
    noun="a holiday calendar",
    replay=replay_calendar,
    compare=_compare,
    export=_export,
)


def register() -> None:
    registry.register(CALENDAR_CHAINS)
