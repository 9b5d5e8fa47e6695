"""The organisers' holiday calendar page: who may use it, what it says, bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leitai.accounts.models import Role
from leitai.core.models import HolidayDate, HolidayYear
from leitai.core.workdays.period import BEIJING
from leitai.ledger.models import LedgerEntry
from tests.factories import PASSWORD, make_user, small_city

pytestmark = pytest.mark.django_db


def client_for(user: object | None) -> Client:
    client = Client()
    client.cookies["leitai_language"] = "en"
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def people() -> dict[str, object | None]:
    city = small_city()
    return {
        "organiser": make_user("city-organiser", role=Role.ORGANISER, unit=city["root"]),
        "district_organiser": make_user("district-org", role=Role.ORGANISER, unit=city["shinan"]),
        "reviewer": make_user("reviewer", role=Role.REVIEWER, unit=city["root"]),
        "host": make_user("host", role=Role.HOST, unit=city["jinhulu"]),
        "secretary": make_user("secretary", role=Role.SECRETARY, unit=city["branch"]),
        "no_role": make_user("nobody"),
        "anonymous": None,
    }


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [
        ("organiser", 200, 302),
        # The calendar is the deployment's: a district's organiser does not change it.
        ("district_organiser", 403, 403),
        ("reviewer", 403, 403),
        ("host", 403, 403),
        ("secretary", 403, 403),
        ("no_role", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_permission_matrix(
    people: dict[str, object | None], persona: str, get: int, post: int
) -> None:
    client = client_for(people[persona])
    for url in (reverse("core:calendar_years"), reverse("core:calendar_year", args=[2027])):
        assert client.get(url).status_code == get
    response = client.post(
        reverse("core:calendar_year", args=[2027]),
        {"holidays": "2027-01-01 元旦", "workdays": "", "version": ""},
    )
    assert response.status_code == post
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    assert HolidayYear.objects.exists() == (persona == "organiser")


def test_bad_input_names_the_lines_and_stores_nothing(people: dict[str, object | None]) -> None:
    client = client_for(people["organiser"])
    response = client.post(
        reverse("core:calendar_year", args=[2027]),
        {
            "holidays": "2027-01-01 元旦\n2027-02-30 春节\n2027-10-01..2027-10-07 国庆节",
            "workdays": "2027-10-01 国庆节\n2027-09-27 国庆节",
            "version": "",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was saved" in text
    assert "Holidays, line 2: “2027-02-30 春节” is not a real date" in text
    assert "2027-10-01 is both a holiday (line 3) and a make-up working day (line 1)" in text
    assert "2027-09-27 is a Monday" in text
    # What was typed stays in the form.
    assert "2027-09-27 国庆节" in text
    assert not HolidayYear.objects.exists()
    assert not HolidayDate.objects.exists()
    assert not LedgerEntry.objects.filter(chain__startswith="calendar:").exists()


def test_package_years_are_read_only(people: dict[str, object | None]) -> None:
    client = client_for(people["organiser"])
    page = client.get(reverse("core:calendar_year", args=[2024]))
    assert page.status_code == 200
    assert "From the chinese-calendar package (1.11.0)" in page.content.decode()
    assert "2024-10-12" in page.content.decode()
    refused = client.post(
        reverse("core:calendar_year", args=[2024]), {"holidays": "2024-10-01 国庆节"}
    )
    assert refused.status_code == 400
    assert "2024 is known from the chinese-calendar package" in refused.content.decode()
    assert not HolidayYear.objects.exists()
    assert client.get(reverse("core:calendar_year", args=[1999])).status_code == 404


def test_save_then_list_says_which_source_applies(people: dict[str, object | None]) -> None:
    client = client_for(people["organiser"])
    listing = client.get(reverse("core:calendar_years")).content.decode()
    assert 'data-year="2027" data-source="unknown"' in listing
    assert "2027 is not known yet" in listing
    assert 'data-year="2026" data-source="package"' in listing
    response = client.post(
        reverse("core:calendar_year", args=[2027]),
        {
            "holidays": "2027-01-01 元旦\n2027-10-01..2027-10-07 国庆节",
            "workdays": "2027-09-26 国庆节",
        },
    )
    assert response.status_code == 302
    listing = client.get(response["Location"]).content.decode()
    assert "2027 saved: 8 holidays, 1 make-up working days. The change is on the ledger." in listing
    assert 'data-year="2027" data-source="table"' in listing
    edit = client.get(reverse("core:calendar_year", args=[2027])).content.decode()
    assert "2027-10-01..2027-10-07 国庆节" in edit
    assert 'name="version" value="1"' in edit
    # A second tab still holding the first version is refused.
    stale = client.post(
        reverse("core:calendar_year", args=[2027]),
        {"holidays": "2027-01-01 元旦", "workdays": "", "version": ""},
    )
    assert stale.status_code == 409
    assert HolidayDate.objects.count() == 9


def test_open_a_year_from_the_list(people: dict[str, object | None]) -> None:
    client = client_for(people["organiser"])
    opened = client.get(reverse("core:calendar_years"), {"year": "2028"})
    assert opened.status_code == 302
    assert opened["Location"] == reverse("core:calendar_year", args=[2028])
    bad = client.get(reverse("core:calendar_years"), {"year": "二〇二八"})
    assert bad.status_code == 400
    assert "“二〇二八” is not a year" in bad.content.decode()


def test_home_reminds_organisers_of_a_year_to_enter(people: dict[str, object | None]) -> None:
    # Today (2026 or later) the next year is unknown to chinese-calendar 1.11.0 until entered.
    next_year = timezone.now().astimezone(BEIJING).year + 1
    organiser_home = client_for(people["organiser"]).get(reverse("site:home")).content.decode()
    assert f"{next_year} is not known yet" in organiser_home
    assert reverse("core:calendar_years") in organiser_home
    reviewer_home = client_for(people["reviewer"]).get(reverse("site:home")).content.decode()
    assert reverse("core:calendar_years") not in reviewer_home
    client_for(people["organiser"]).post(
        reverse("core:calendar_year", args=[next_year]),
        {"holidays": f"{next_year}-01-01 元旦", "workdays": ""},
    )
    assert HolidayYear.objects.filter(year=next_year).exists()
    organiser_home = client_for(people["organiser"]).get(reverse("site:home")).content.decode()
    assert f"{next_year} is not known yet" not in organiser_home


def test_the_list_reads_in_a_fixed_number_of_queries(people: dict[str, object | None]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leitai.core.workdays.store import save_year

    client = client_for(people["organiser"])
    counts = []
    for year in (2027, 2028, 2029):
        save_year(
            year=year,
            holidays=f"{year}-01-01 元旦",
            workdays="",
            by=people["organiser"],
            version=None,
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("core:calendar_years")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2], counts
