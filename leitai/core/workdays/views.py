"""The organisers' page of the holiday calendar: which source applies to each year, and the form
that enters a year the chinese-calendar package does not know."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.core.forms import HolidayYearForm
from leitai.core.models import HolidayYear
from leitai.core.workdays.access import can_edit_calendar
from leitai.core.workdays.calendar import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    PACKAGE_VERSION,
    YearTable,
    package_knows,
    package_year,
)
from leitai.core.workdays.lines import YearInputError, write_lines
from leitai.core.workdays.period import BEIJING
from leitai.core.workdays.store import (
    FIRST_YEAR,
    LAST_YEAR,
    StaleYear,
    check_year,
    entered_tables,
    save_year,
)


@dataclass(frozen=True)
class YearRow:
    year: int
    source: str  # "package", "table", "shadowed" (entered, but the package applies) or "unknown"
    holidays: int
    workdays: int
    entered: HolidayYear | None


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_calendar(request.user):
        raise PermissionDenied


def _rows(this_year: int) -> list[YearRow]:
    entered = {row.year: row for row in HolidayYear.objects.select_related("entered_by")}
    tables = entered_tables()
    years = set(range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1)) | set(entered)
    years |= {this_year, this_year + 1}
    rows = []
    for year in sorted(years, reverse=True):
        row = entered.get(year)
        if package_knows(year):
            table = package_year(year)
            source = "shadowed" if row else "package"
        else:
            table = tables.get(year, YearTable(year))
            source = "table" if row else "unknown"
        rows.append(YearRow(year, source, len(table.holidays), len(table.workdays), row))
    return rows


@login_required
def calendar_years(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    this_year = timezone.now().astimezone(BEIJING).year
    wanted = request.GET.get("year", "").strip()
    problem = ""
    if wanted:
        try:
            year = int(wanted)
            check_year(year)
        except ValueError as error:
            problem = (
                "; ".join(error.problems)
                if isinstance(error, YearInputError)
                else _("“%(value)s” is not a year") % {"value": wanted[:20]}
            )
        else:
            return redirect("core:calendar_year", year=year)
    rows = _rows(this_year)
    return render(
        request,
        "core/calendar_years.html",
        {
            "rows": rows,
            "unknown": [row.year for row in rows if row.source == "unknown"],
            "package_version": PACKAGE_VERSION,
            "package_first": PACKAGE_FIRST_YEAR,
            "package_last": PACKAGE_LAST_YEAR,
            "problem": problem,
            "wanted": wanted,
            "next_free": max(PACKAGE_LAST_YEAR, this_year) + 1,
        },
        status=400 if problem else 200,
    )


@login_required
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    entered = HolidayYear.objects.select_related("entered_by").filter(year=year).first()
    context: dict[str, Any] = {
        "year": year,
        "entered": entered,
        "package_version": PACKAGE_VERSION,
    }
    if package_knows(year):
        if request.method == "POST":
            try:
                check_year(year)
            except YearInputError as error:
                context["problems"] = error.problems
        table = package_year(year)
        context |= {"table": _days(table)}
        return render(
            request,
            "core/calendar_package_year.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    stored = entered_tables([year]).get(year)
    initial = {
        "holidays": write_lines(dict(stored.holidays)) if stored else "",
        "workdays": write_lines(dict(stored.workdays)) if stored else "",
        "version": entered.version if entered else None,
    }
    form = HolidayYearForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = save_year(
                    year=year,
                    holidays=form.cleaned_data["holidays"],
                    workdays=form.cleaned_data["workdays"],
                    by=request.user,
                    version=form.cleaned_data["version"],
                )
            except YearInputError as error:
                context["problems"] = error.problems
            except StaleYear:
                status = 409
                context["problems"] = [
                    _(
                        "%(year)s was saved by someone else after you opened this page; nothing "
                        "was changed. Open it again to see their version."
                    )
                    % {"year": year}
                ]
            else:
                if saved.changed:
                    messages.success(
                        request,
                        _(
                            "%(year)s saved: %(holidays)s holidays, %(workdays)s make-up "
                            "working days. The change is on the ledger."
                        )
                        % {
                            "year": year,
                            "holidays": len(saved.table.holidays),
                            "workdays": len(saved.table.workdays),
                        },
                    )
                else:
                    messages.info(
                        request, _("Nothing changed: %(year)s already reads so.") % {"year": year}
                    )
                return redirect("core:calendar_years")
    context |= {"form": form, "table": _days(stored) if stored else None}
    return render(request, "core/calendar_year.html", context, status=status)


def _days(table: YearTable) -> list[tuple[dt.date, str, str]]:
    """Every listed day in date order: (day, "holiday" or "workday", name)."""
    days = [(day, "holiday", name) for day, name in table.holidays.items()]
    days += [(day, "workday", name) for day, name in table.workdays.items()]
    return sorted(days)
