"""A programme's evidence settings: which programme a unit is judged by, the organiser's page
(who may use it, its refusals naming field and value, the change on the ledger), and a change
reaching a unit's honours points and daily score."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.evidence.queries import honours_points
from leitai.evidence.queries_daily import (
    daily_score,
    judged_window,
    month_number,
    scores_of_units,
)
from leitai.evidence.rules import reference_date_for, rules_in_force
from leitai.evidence.services.daily import import_values
from leitai.evidence.services.honours import HonourFields, enter_honour, verify_honour
from leitai.ledger.changes import history
from leitai.ledger.models import LedgerEntry
from leitai.programs.audit import chain_of
from leitai.programs.models import Programme
from leitai.programs.queries import programme_for
from leitai.programs.services import ProgrammeRefused, set_evidence_rules
from leitai.scoring.evidence import EvidenceRules
from leitai.scoring.honours import Level
from tests.evidence.conftest import png
from tests.factories import PASSWORD, make_unit, make_user, small_city
from tests.ledger.helpers import run_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    city = small_city()
    people = {
        "organiser": make_user("org", role=Role.ORGANISER, unit=city["root"]),
        "committee": make_user("street-org", role=Role.ORGANISER, unit=city["jinhulu"]),
        "reviewer": make_user("rev", role=Role.REVIEWER, unit=city["shinan"]),
        "host": make_user("host", role=Role.HOST, unit=city["root"]),
        "secretary": make_user("sec", role=Role.SECRETARY, unit=city["branch"]),
    }
    programme = Programme.objects.create(
        name="五星级党组织评选",
        year=2026,
        root=city["root"],
        rubric=[{"key": "a", "maximum": "10"}],
    )
    return {"city": city, "people": people, "programme": programme}


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def post_data(
    rules: EvidenceRules, reason: str = "市委组织部2026年第3次部务会决定", **changes: str
):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {f"points_{lv.value}": rules.honours.points[lv] for lv in Level}
    data |= {
        "window_years": rules.honours.window_years,
        "cap": rules.honours.cap,
        "window_months": rules.daily.window_months,
        "reason": reason,
    }
    for metric in rules.daily.metrics:
        data[f"weight_{metric.key}"] = metric.weight
        if metric.kind.value == "count":
            data[f"requirement_{metric.key}"] = metric.requirement
            data[f"cadence_{metric.key}"] = metric.cadence.value
    return {key: str(value) for key, value in (data | changes).items()}


# -- which programme ---------------------------------------------------------------------------


def test_a_new_programme_holds_every_default_written_out(world: dict[str, Any]) -> None:
    programme = world["programme"]
    programme.refresh_from_db()
    assert programme.evidence == EvidenceRules.DEFAULT.to_record()
    assert programme.evidence_rules == EvidenceRules.DEFAULT


def test_a_unit_is_judged_by_the_latest_programme_over_it(world: dict[str, Any]) -> None:
    city = world["city"]
    assert programme_for(city["branch"]) == world["programme"]
    later = Programme.objects.create(name="区评选", year=2027, root=city["shinan"], rubric=[])
    assert programme_for(city["branch"]) == later
    assert programme_for(city["village"]) == world["programme"]  # not under the district
    elsewhere = make_unit(name="另一个市委")
    assert programme_for(elsewhere) is None
    assert rules_in_force(elsewhere).programme is None
    assert rules_in_force(elsewhere).rules == EvidenceRules.DEFAULT


def test_without_a_programme_the_pages_say_the_defaults_apply(world: dict[str, Any]) -> None:
    world["programme"].delete()
    branch = world["city"]["branch"]
    client = client_for(world["people"]["organiser"])
    for name in ("evidence:unit", "evidence:unit_daily"):
        page = client.get(reverse(name, args=[branch.pk])).content.decode()
        assert "No programme applies here: the default rules apply." in page
    chinese = client_for(world["people"]["organiser"], "zh-hans")
    page = chinese.get(reverse("evidence:unit", args=[branch.pk])).content.decode()
    assert "没有适用的评选活动：按默认规则计算。" in page


def test_the_pages_name_the_programme_and_link_only_its_organisers(world: dict[str, Any]) -> None:
    branch = world["city"]["branch"]
    edit = reverse("programs:evidence", args=[world["programme"].pk])
    for who, linked in (("organiser", True), ("committee", False), ("secretary", False)):
        page = client_for(world["people"][who]).get(reverse("evidence:unit", args=[branch.pk]))
        text = page.content.decode()
        assert "Rules of the programme 2026 五星级党组织评选." in text
        assert (edit in text) is linked, who
    overview = client_for(world["people"]["organiser"]).get(reverse("evidence:daily_overview"))
    assert edit in overview.content.decode()


# -- who may use the page ----------------------------------------------------------------------


def test_permission_matrix(world: dict[str, Any]) -> None:
    people, programme = world["people"], world["programme"]
    url = reverse("programs:evidence", args=[programme.pk])
    listing = reverse("programs:list")
    data = post_data(EvidenceRules.DEFAULT, cap="20")
    organiser = client_for(people["organiser"])
    assert organiser.get(url).status_code == 200
    assert url in organiser.get(listing).content.decode()
    # An organiser below the programme's root: the programme is outside its scope.
    committee = client_for(people["committee"])
    assert committee.get(url).status_code == 404
    assert committee.post(url, data).status_code == 404
    assert url not in committee.get(listing).content.decode()
    for who in ("reviewer", "host", "secretary"):
        client = client_for(people[who])
        assert client.get(url).status_code == 403, who
        assert client.post(url, data).status_code == 403, who
        assert client.get(listing).status_code == 403, who
    anonymous = Client()
    for target in (url, listing):
        response = anonymous.get(target)
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert anonymous.post(url, data).status_code == 302
    assert organiser.get(reverse("programs:evidence", args=[programme.pk + 99])).status_code == 404
    programme.refresh_from_db()
    assert programme.evidence_rules == EvidenceRules.DEFAULT  # no refused request changed it
    assert not LedgerEntry.objects.filter(chain=chain_of(programme.pk)).exists()


# -- the form: refusals name the field and the value, nothing changes --------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points_national", "-1", "points.national: “-1” is less than 0."),
        ("points_street", "1.5", "points.street: “1.5” is not a whole number."),
        ("cap", "0", "cap: “0” is less than 1."),
        ("window_years", "0", "window_years: “0” is less than 1."),
        ("window_months", "x", "window_months: “x” is not a whole number."),
        ("requirement_theme_day", "0", "metrics.theme_day.requirement: “0” is less than 1."),
        ("weight_dues_rate", "-15", "metrics.dues_rate.weight: “-15” is less than 0."),
        (
            "cadence_general_meeting",
            "weekly",
            "metrics.general_meeting.cadence: “weekly” is not month, quarter or year.",
        ),
    ],
)
def test_a_bad_value_is_the_error_of_its_field(
    world: dict[str, Any], field: str, value: str, message: str
) -> None:
    programme = world["programme"]
    url = reverse("programs:evidence", args=[programme.pk])
    response = client_for(world["people"]["organiser"]).post(
        url, post_data(EvidenceRules.DEFAULT, **{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    programme.refresh_from_db()
    assert programme.evidence == EvidenceRules.DEFAULT.to_record()
    assert not LedgerEntry.objects.filter(chain=chain_of(programme.pk)).exists()


def test_weights_not_summing_to_100_a_missing_reason_and_no_change_are_refused(
    world: dict[str, Any],
) -> None:
    url = reverse("programs:evidence", args=[world["programme"].pk])
    client = client_for(world["people"]["organiser"])
    response = client.post(url, post_data(EvidenceRules.DEFAULT, weight_theme_day="20"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "weights: the weights sum to 105, not 100."
    ]
    response = client.post(url, post_data(EvidenceRules.DEFAULT, reason="  ", cap="20"))
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = client.post(url, post_data(EvidenceRules.DEFAULT))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Nothing changed: every value is as it was."
    ]
    chinese = client_for(world["people"]["organiser"], "zh-hans")
    response = chinese.post(url, post_data(EvidenceRules.DEFAULT, cap="0"))
    assert response.context["form"].errors["cap"] == ["cap：“0”小于 1。"]
    world["programme"].refresh_from_db()
    assert world["programme"].evidence == EvidenceRules.DEFAULT.to_record()
    assert not LedgerEntry.objects.filter(chain=chain_of(world["programme"].pk)).exists()


def test_the_service_refuses_whoever_may_not_change_it(world: dict[str, Any]) -> None:
    with pytest.raises(ProgrammeRefused):
        set_evidence_rules(
            programme=world["programme"],
            rules=EvidenceRules.from_record({"honours": {"cap": 20}}),
            by=world["people"]["committee"],
            reason="想改",
        )


# -- a change: on the ledger, and in every score ------------------------------------------------


def test_a_change_is_recorded_and_reaches_the_honours_points_and_the_daily_score(
    world: dict[str, Any],
) -> None:
    city, people, programme = world["city"], world["people"], world["programme"]
    branch = city["branch"]
    on = reference_date_for(branch)
    honour = enter_honour(
        unit=branch,
        by=people["secretary"],
        fields=HonourFields(
            title="全国先进基层党组织",
            level=Level.NATIONAL,
            conferred_by="中共中央",
            document="中组发〔2025〕1号",
            conferred_on=on - timedelta(days=100),
        ),
        file=png(),
    )
    verify_honour(honour=honour, by=people["reviewer"])
    first, _last = judged_window(rules_in_force(branch).daily, on)
    rows = [(branch.pk, month_number(first.plus(i)), "committee_meeting", 1) for i in range(12)]
    import_values(actor=people["organiser"], file_name="d.csv", digest="3" * 64, rows=rows)
    assert honours_points(branch, on).points == 10
    assert str(daily_score(branch).score) == "15.00"  # 支委会 met every month: weight 15
    overview = [(branch.pk, None, None)]
    assert str(scores_of_units(overview)[branch.pk].score) == "15.00"  # and now cached

    url = reverse("programs:evidence", args=[programme.pk])
    response = client_for(people["organiser"]).post(
        url,
        post_data(
            EvidenceRules.DEFAULT,
            points_national="12",
            weight_committee_meeting="25",
            weight_theme_day="5",
        ),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.evidence_rules.honours.points[Level.NATIONAL] == 12
    assert honours_points(branch, on).points == 12
    assert str(daily_score(branch).score) == "25.00"
    assert str(scores_of_units(overview)[branch.pk].score) == "25.00"  # not the cached 15.00
    page = client_for(people["secretary"]).get(reverse("evidence:unit", args=[branch.pk]))
    assert "1 honour counted: 12 → component 80.00" in page.content.decode()
    daily_page = client_for(people["secretary"]).get(
        reverse("evidence:unit_daily", args=[branch.pk])
    )
    assert '<p class="daily-score" id="daily-score-value">25.00</p>' in daily_page.content.decode()

    # On the ledger: who, when, why, each value old → new; shown on the page.
    [change] = history(chain_of(programme.pk))
    assert change.actor == "org"
    assert change.reason == "市委组织部2026年第3次部务会决定"
    assert change.changes == {
        "evidence.honours.points.national": {"old": 10, "new": 12},
        "evidence.daily.metrics.committee_meeting.weight": {"old": 15, "new": 25},
        "evidence.daily.metrics.theme_day.weight": {"old": 15, "new": 5},
    }
    page = client_for(people["organiser"]).get(url).content.decode()
    assert "Honours · points · National: 10 → 12" in page
    assert "Daily data · 支委会 · weight: 15 → 25" in page
    status, output = run_verify()
    assert status == 0, output
    assert f"ok    programme:{programme.pk}  #1 " in output

    # A second change starts from the first's values; the cap binds.
    set_evidence_rules(
        programme=programme,
        rules=EvidenceRules.from_record(
            {**programme.evidence, "honours": {**programme.evidence["honours"], "cap": 5}}
        ),
        by=people["organiser"],
        reason="封顶调整",
    )
    assert honours_points(branch, on).points == 5
    assert len(history(chain_of(programme.pk))) == 2
    assert run_verify()[0] == 0


def test_verify_names_a_setting_changed_behind_the_ledger(world: dict[str, Any]) -> None:
    programme, organiser = world["programme"], world["people"]["organiser"]
    record = copy.deepcopy(programme.evidence)
    record["honours"]["cap"] = 20
    set_evidence_rules(
        programme=programme,
        rules=EvidenceRules.from_record(record),
        by=organiser,
        reason="调整",
    )
    record["honours"]["cap"] = 30
    Programme.objects.filter(pk=programme.pk).update(evidence=record)  # not through the service
    status, output = run_verify()
    assert status == 1
    assert (
        f"programme:{programme.pk}: evidence.honours.cap: the database says 30, the ledger 20"
        in output
    )


def test_the_programme_chain_exports_and_checks_offline(
    world: dict[str, Any], tmp_path: Any
) -> None:
    import json
    import subprocess
    import sys

    from django.core.management import call_command

    programme = world["programme"]
    record = copy.deepcopy(programme.evidence)
    for cap in (20, 25):
        record["honours"]["cap"] = cap
        set_evidence_rules(
            programme=programme,
            rules=EvidenceRules.from_record(record),
            by=world["people"]["organiser"],
            reason=f"封顶 {cap}",
        )
    target = tmp_path / "programme.json"
    call_command("ledger", "export", f"programme:{programme.pk}", "--out", str(target))
    data = json.loads(target.read_text())
    assert data["programme"] == programme.pk
    assert len(data["entries"]) == 2

    def offline() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "leitai.cli", "ledger", "verify", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )

    ok = offline()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "2 changes recorded" in ok.stdout
    # The second change's old value rewritten (and its hash with it): the chain no longer holds.
    entry = data["entries"][1]
    entry["body"] = entry["body"].replace('"old":20', '"old":15')
    target.write_text(json.dumps(data, ensure_ascii=False))
    bad = offline()
    assert bad.returncode == 1
