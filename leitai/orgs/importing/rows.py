"""The import file's columns, and the first pass: every row validated into compact columns."""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.core.imports import ImportRejected, Progress, RowProblem
from leitai.core.tabular import Column, Sheet
from leitai.orgs import codes as arrays
from leitai.orgs.facts import (
    FACT_FIELDS,
    FactError,
    parse_founded,
    parse_members,
    parse_party_groups,
)
from leitai.orgs.models import KIND_WORDS, SECTOR_WORDS, Sector, UnitKind

COLUMNS = [
    Column("code", ("编码", "组织编码", "代码")),
    Column("name", ("名称", "组织名称")),
    Column("parent_code", ("上级编码", "上级组织编码", "上级代码")),
    Column("kind", ("类型", "组织类型")),
    Column("sector", ("领域", "所属领域")),
    Column("secretary", ("书记", "党组织书记"), required=False),
    Column("evaluating_unit", ("初评单位", "是否初评单位"), required=False),
    # A unit's facts (orgs/facts.py): optional, and a file without them leaves them as stored.
    Column("founded", ("成立时间", "成立年月", "成立日期"), required=False),
    Column("members", ("党员人数",), required=False),
    Column("has_party_groups", ("是否设党小组", "党小组"), required=False),
]
FIELDS = [c.field for c in COLUMNS if c.field not in FACT_FIELDS]
HEADERS_ZH = [c.headers[0] for c in COLUMNS]
MAX_LENGTH = {"code": 64, "name": 200, "secretary": 64}
# Codes are keys that pages link to and officials type: a "/" broke every page linking the unit.
CODE_CHARACTERS = re.compile(r"[A-Za-z0-9._-]+")
YES = frozenset({"是", "y", "yes", "true", "1", "√"})
NO = frozenset({"否", "n", "no", "false", "0", "×"})
PROGRESS_EVERY = 20_000
ROW_PROBLEM_LIMIT = 100_000  # beyond this many the file is hopeless; stop collecting

# Words to index: the Chinese names officials type, and the codes, both accepted.
KIND_OF = {
    **{w: arrays.KIND_INDEX[c] for w, c in KIND_WORDS.items()},
    **{k.value: arrays.KIND_INDEX[k.value] for k in UnitKind},
}
SECTOR_OF = {
    **{w: arrays.SECTOR_INDEX[c] for w, c in SECTOR_WORDS.items()},
    **{s.value: arrays.SECTOR_INDEX[s.value] for s in Sector},
}


class RowCollector:
    """Problems found so far, each naming row, column (as the file's header says), value, reason."""

    def __init__(self, header_of: dict[str, str]) -> None:
        self.problems: list[RowProblem] = []
        self.total = 0
        self.header_of = header_of

    def add(self, row: int, field_name: str, value: str, reason: str) -> None:
        self.total += 1
        if len(self.problems) < ROW_PROBLEM_LIMIT:
            column = self.header_of.get(field_name, field_name)
            self.problems.append(RowProblem(row, column, value, reason))

    def raise_if_any(self) -> None:
        if self.total:
            self.problems.sort(key=lambda p: (p.row, p.column))
            raise ImportRejected(self.problems, self.total)


Facts = tuple[dt.date | None, int | None, bool | None]
NO_FACTS: Facts = (None, None, None)


def month_date(month: int) -> dt.date:
    """The first day of a month counted as year × 12 + month − 1."""
    return dt.date(month // 12, month % 12 + 1, 1)


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


# How each fact is kept in FileRows' arrays (-1 stands for unknown there).
FACT_NUMBER: dict[str, Callable[[Any], int]] = {
    "founded": _month_number,
    "members": int,
    "has_party_groups": int,
}


@dataclass
class FileRows:
    """The file's valid rows, position p in file order, as parallel columns."""

    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    parent_codes: list[str] = field(default_factory=list)
    secretaries: list[str] = field(default_factory=list)
    kinds: bytearray = field(default_factory=bytearray)
    sectors: bytearray = field(default_factory=bytearray)
    flags: array[int] = field(default_factory=lambda: array("b"))  # 1 yes, 0 no, -1 default
    rows: array[int] = field(default_factory=lambda: array("l"))  # the spreadsheet row number
    position_of: dict[str, int] = field(default_factory=dict)  # code → p
    invalid_rows: dict[str, int] = field(default_factory=dict)  # code → row, rows with errors
    invalid_parents: list[tuple[int, str]] = field(default_factory=list)
    rows_seen: int = 0
    # The fact columns the file has (in FACT_FIELDS order): only those are written. With any,
    # each valid row's facts by position, -1 for unknown: the founding month as year × 12 +
    # month − 1, members, party groups 1/0. Arrays, not a tuple per row: a million rows' facts
    # take 17 MB, not 200. A file without fact columns leaves them empty.
    fact_fields: tuple[str, ...] = ()
    founded_months: array[int] = field(default_factory=lambda: array("l"))
    members: array[int] = field(default_factory=lambda: array("q"))
    party_groups: array[int] = field(default_factory=lambda: array("b"))

    def facts(self, position: int) -> Facts:
        """(founded, members, has_party_groups) of the row at `position`, None where unknown."""
        if not self.fact_fields:
            return NO_FACTS
        month, members, groups = (
            self.founded_months[position],
            self.members[position],
            self.party_groups[position],
        )
        return (
            month_date(month) if month >= 0 else None,
            members if members >= 0 else None,
            bool(groups) if groups >= 0 else None,
        )

    def row_of_code(self, code: str) -> int | None:
        position = self.position_of.get(code)
        if position is not None:
            return self.rows[position]
        return self.invalid_rows.get(code)


def read_rows(sheet: Sheet, problems: RowCollector, progress: Progress) -> FileRows:
    """Validate every row's own cells; keep the valid rows' columns compactly.

    This loop is the hot path of a million-row import, so it is written flat: no per-row helper
    calls, no dict per row, the allowed words looked up in prepared dicts.
    """
    found = FileRows()
    present = set(sheet.field_of_column.values())
    found.fact_fields = tuple(f for f in FACT_FIELDS if f in present)
    plain = not found.fact_fields  # the file as before the facts: the loop reads 7 cells
    today = timezone.localdate()
    parsers = {
        "founded": lambda text: parse_founded(text, today=today),
        "members": parse_members,
        "has_party_groups": parse_party_groups,
    }
    # Each fact's number (see FileRows) by text: a province's file repeats a few hundred founding
    # months and member counts a million times, and parsing a month is a regex and a date check.
    # An empty cell (or a column the file lacks, which reads "") is unknown, -1.
    seen: list[dict[str, int]] = [{"": -1} for _ in FACT_FIELDS]
    seen_founded, seen_members, seen_groups = seen

    def first_sight(slot: int, row: int, text: str) -> int:
        """The number of a fact's text not seen before, or -2 after naming its problem."""
        field_name = FACT_FIELDS[slot]
        try:
            value = parsers[field_name](text)
        except FactError as error:
            problems.add(row, field_name, text, str(error))
            return -2
        number = seen[slot][text] = -1 if value is None else FACT_NUMBER[field_name](value)
        return number

    founded = members = groups = -1
    UNSEEN = -3
    kinds_allowed = "、".join(KIND_WORDS)
    sectors_allowed = "、".join(SECTOR_WORDS)
    long_code, long_name, long_secretary = (
        MAX_LENGTH["code"],
        MAX_LENGTH["name"],
        MAX_LENGTH["secretary"],
    )
    position_of = found.position_of
    code_characters = CODE_CHARACTERS.fullmatch
    bad_code = _("Only letters A–Z and a–z, digits and - _ . are allowed in a code.")
    rows_seen = valid = 0
    fields = FIELDS if plain else [*FIELDS, *FACT_FIELDS]
    # Bound methods and containers as locals: this loop runs a million times.
    rows_of, invalid_rows = found.rows, found.invalid_rows
    add_founded, add_members = found.founded_months.append, found.members.append
    add_groups = found.party_groups.append
    add_code, add_name = found.codes.append, found.names.append
    add_parent_code, add_secretary = found.parent_codes.append, found.secretaries.append
    add_flag, add_row = found.flags.append, found.rows.append
    for rows_seen, (row, values) in enumerate(sheet.tuples(fields), start=1):
        if rows_seen % PROGRESS_EVERY == 0:
            progress("reading", rows_seen)
        code, name, parent_code, kind_text, sector_text, secretary, flag_text = (
            values if plain else values[:7]
        )
        if not code:
            problems.add(row, "code", code, _("The code is empty."))
            continue
        ok = True
        if len(code) > long_code:
            problems.add(row, "code", code, _("Longer than %(n)s characters.") % {"n": long_code})
            ok = False
        # The str methods first: most codes are digits, and they cost a third of the regex.
        elif not (code.isascii() and code.isalnum()) and not code_characters(code):
            problems.add(row, "code", code, bad_code)
            ok = False
        if not name:
            problems.add(row, "name", "", _("The name is empty."))
            ok = False
        elif len(name) > long_name:
            problems.add(row, "name", name, _("Longer than %(n)s characters.") % {"n": long_name})
            ok = False
        if len(secretary) > long_secretary:
            problems.add(
                row,
                "secretary",
                secretary,
                _("Longer than %(n)s characters.") % {"n": long_secretary},
            )
            ok = False
        kind = KIND_OF.get(kind_text)
        if kind is None:
            problems.add(
                row,
                "kind",
                kind_text,
                _("Unknown kind; allowed: %(allowed)s.") % {"allowed": kinds_allowed},
            )
            ok = False
        sector = SECTOR_OF.get(sector_text)
        if sector is None:
            problems.add(
                row,
                "sector",
                sector_text,
                _("Unknown sector; allowed: %(allowed)s.") % {"allowed": sectors_allowed},
            )
            ok = False
        flag = -1
        if flag_text:
            lowered = flag_text.lower()
            if lowered in YES:
                flag = 1
            elif lowered in NO:
                flag = 0
            else:
                problems.add(
                    row,
                    "evaluating_unit",
                    flag_text,
                    _("Write 是 or 否, or leave it empty for the default."),
                )
                ok = False
        if not plain:
            founded_text, members_text, groups_text = values[7], values[8], values[9]
            founded = seen_founded.get(founded_text, UNSEEN)
            if founded == UNSEEN:
                founded = first_sight(0, row, founded_text)
            members = seen_members.get(members_text, UNSEEN)
            if members == UNSEEN:
                members = first_sight(1, row, members_text)
            groups = seen_groups.get(groups_text, UNSEEN)
            if groups == UNSEEN:
                groups = first_sight(2, row, groups_text)
            if founded < -1 or members < -1 or groups < -1:
                ok = False
        earlier = position_of.get(code)
        earlier = rows_of[earlier] if earlier is not None else invalid_rows.get(code)
        if earlier is not None:
            problems.add(
                row, "code", code, _("Duplicate code: also on row %(row)s.") % {"row": earlier}
            )
            continue
        if not ok:
            invalid_rows[code] = row
            found.invalid_parents.append((row, parent_code))
            continue
        if not plain:
            add_founded(founded)
            add_members(members)
            add_groups(groups)
        position_of[code] = valid
        valid += 1
        add_code(code)
        add_name(name)
        add_parent_code(parent_code)
        add_secretary(secretary)
        found.kinds.append(kind)
        found.sectors.append(sector)
        add_flag(flag)
        add_row(row)
    found.rows_seen = rows_seen
    progress("checking", rows_seen)
    if rows_seen == 0:
        raise ImportRejected([RowProblem(1, "", "", _("The file has a header but no rows."))])
    return found
