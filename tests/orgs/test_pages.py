from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leitai.accounts.models import Role
from leitai.orgs.models import UnitKind
from tests.factories import PASSWORD, make_unit, make_user, small_city

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def test_unit_page_shows_path_evaluating_unit_and_counts() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    response = client_for("org").get(reverse("orgs:unit", args=["3702020101"]))
    html = response.content.decode()
    assert "泰州路居民区党支部" in html
    assert "郑素秀" in html
    assert [a.code for a in response.context["ancestors"]] == ["370200", "370202", "37020201"]
    assert response.context["evaluating"].code == "370202"


@pytest.mark.parametrize("page", ["orgs:unit", "orgs:children"])
def test_unit_pages_query_count_does_not_grow_with_children(page: str) -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_for("org")
    parent = make_unit(city["jinhulu"], code="P1", kind=UnitKind.GENERAL_BRANCH)
    make_unit(parent)
    one = queries(client, reverse(page, args=["P1"]))
    make_unit(parent)
    make_unit(parent)
    three = queries(client, reverse(page, args=["P1"]))
    assert one == three


def test_tree_page_query_count_does_not_grow_with_children() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_for("org")
    one = queries(client, reverse("orgs:tree"))
    make_unit(city["root"])
    make_unit(city["root"])
    assert queries(client, reverse("orgs:tree")) == one


def test_search_finds_two_character_names_and_code_prefixes_in_scope() -> None:
    city = small_city()
    make_user("rev", role=Role.REVIEWER, unit=city["shinan"])
    client = client_for("rev")
    found = client.get(reverse("orgs:search"), {"q": "泰州"}).context["result"]
    assert [u.code for u in found.units] == ["3702020101"]
    by_code = client.get(reverse("orgs:search"), {"q": "370202"}).context["result"]
    assert [u.code for u in by_code.units] == ["370202", "37020201", "3702020101"]
    # 姜山 lies in 莱西, outside this reviewer's scope.
    assert client.get(reverse("orgs:search"), {"q": "姜山"}).context["result"].units == []


def test_search_index_follows_changes_to_the_tree() -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    client = client_for("org")
    assert client.get(reverse("orgs:search"), {"q": "新建"}).context["result"].units == []
    make_unit(city["jinhulu"], name="新建网格党支部")
    units = client.get(reverse("orgs:search"), {"q": "新建"}).context["result"].units
    assert [u.name for u in units] == ["新建网格党支部"]


def test_secretary_sees_only_their_unit() -> None:
    city = small_city()
    make_user("sec", role=Role.SECRETARY, unit=city["jinhulu"])
    client = client_for("sec")
    assert client.get(reverse("orgs:unit", args=["37020201"])).status_code == 200
    assert client.get(reverse("orgs:unit", args=["3702020101"])).status_code == 404
    result = client.get(reverse("orgs:search"), {"q": "泰州"}).context["result"]
    assert result.units == []


def test_export_round_trips_through_import(tmp_path) -> None:
    from leitai.orgs.importing import OrgImporter

    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    response = client_for("org").get(reverse("orgs:export", args=["370200"]), {"format": "csv"})
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "编码,名称,上级编码,类型,领域,书记,初评单位,成立时间,党员人数,是否设党小组"
    )
    plan = OrgImporter().check(
        path,
        path.name,
        actor=city["root"] and make_user(superuser=True),
        prune=False,
        progress=lambda *a: None,
    )
    assert plan.counts["unchanged"] == 7
    assert plan.counts["create"] == 0


@pytest.mark.parametrize("code", ["T-XSS/3", "..", "50%", "a%2Fb", "a?b#c", "x y"])
def test_units_with_codes_older_imports_allowed_are_still_linked(code: str) -> None:
    # Imports now refuse these characters; stored units may still hold them and must not break
    # the pages that list them (a "/" made the parent's children list answer 500).
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    make_unit(city["jinhulu"], code=code, name="旧编码党支部")
    client = client_for("org")
    for page in ("orgs:unit", "orgs:children"):
        response = client.get(reverse(page, args=["37020201"]))
        assert response.status_code == 200
        link = re.search(r'href="([^"]*)">旧编码党支部', response.content.decode())
        assert link is not None
        href = html.unescape(link.group(1))
        # Browsers resolve "." and ".." segments away before sending the request.
        assert not {".", ".."} & set(href.split("/"))
        unit_page = client.get(href)
        assert unit_page.status_code == 200
        assert unit_page.context["unit"].code == code
    found = client.get(reverse("orgs:search"), {"q": "旧编码"}).context["rows"]
    assert client.get(found[0]["url"]).context["unit"].code == code


@pytest.mark.parametrize("code", ["T-XSS/3", "..", "50%", "a%2Fb", "a?b#c", "x y"])
def test_the_unit_api_reaches_codes_older_imports_allowed(code: str) -> None:
    city = small_city()
    make_user("org", role=Role.ORGANISER, unit=city["root"])
    make_unit(city["jinhulu"], code=code, name="旧编码党支部")
    client = client_for("org")
    # As a client builds it: the code percent-encoded as one segment (dots too, which HTTP
    # clients would otherwise resolve away).
    escaped = quote(code, safe="")
    response = client.get(
        "/api/orgs/units/" + (escaped if escaped.strip(".") else "%2E" * len(code))
    )
    assert response.status_code == 200
    assert (response.json()["code"], response.json()["name"]) == (code, "旧编码党支部")
