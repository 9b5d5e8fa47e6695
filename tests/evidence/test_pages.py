"""The evidence pages as people use them: entering through the form, the unit's page explaining
the sum in both languages, the verification queue, the evidence file served with its checked type,
and ids outside the user's scope answering 404."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leitai.demo.evidence_files import scan_png
from leitai.evidence.models import Honour, HonourState
from leitai.evidence.services.honours import enter_honour, verify_honour
from leitai.scoring.honours import Level
from tests.evidence.conftest import PDF, fields, png
from tests.factories import PASSWORD


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["leitai_language"] = language
    return client


def form(document: str = "青发〔2024〕12号", **extra: Any) -> dict[str, Any]:
    return {
        "title": "青岛市先进基层党组织",
        "level": "municipal",
        "conferred_by": "中共青岛市委",
        "document": document,
        "conferred_on": "2024-06-28",
        **extra,
    }


def post_file(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_secretary_enters_an_honour_with_its_scan(world: dict[str, Any]) -> None:
    branch = world["city"]["branch"]
    client = client_for(world["people"]["secretary"])
    url = reverse("evidence:honour_new", args=[branch.pk])
    response = client.post(url, form(file=post_file(scan_png("a"), "scan.png")))
    honour = Honour.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:honour", args=[honour.pk])
    assert (honour.state, honour.entered_by, honour.file_type) == (
        HonourState.PENDING,
        world["people"]["secretary"],
        "image/png",
    )


@pytest.mark.parametrize(
    "content", [scan_png("b"), b"PK\x03\x04zipzipzip", b"plain text", b""], ids=str
)
def test_the_form_refuses_a_pdf_name_over_other_content(
    world: dict[str, Any], content: bytes
) -> None:
    branch = world["city"]["branch"]
    client = client_for(world["people"]["secretary"])
    url = reverse("evidence:honour_new", args=[branch.pk])
    response = client.post(url, form(file=post_file(content, "evidence.pdf")))
    assert response.status_code == 400
    assert not Honour.objects.exists()


def test_the_form_names_the_existing_record_of_a_document(world: dict[str, Any]) -> None:
    branch = world["city"]["branch"]
    enter_honour(unit=branch, by=world["people"]["secretary"], fields=fields(), file=png())
    client = client_for(world["people"]["reviewer_in"])
    url = reverse("evidence:honour_new", args=[branch.pk])
    response = client.post(
        url, form("青发(2024)12 号", level="provincial", file=post_file(PDF, "n.pdf"))
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "already has document 青发〔2024〕12号" in text
    assert "Pending verification" in text
    assert Honour.objects.count() == 1


def test_the_unit_page_explains_the_sum(world: dict[str, Any]) -> None:
    branch, people = world["city"]["branch"], world["people"]
    today = timezone.localdate()
    for document, level, day in [
        ("中组发〔2024〕1号", Level.NATIONAL, today.replace(month=1, day=1)),
        ("鲁组发〔2024〕2号", Level.PROVINCIAL, today.replace(month=1, day=2)),
        ("青发〔2024〕3号", Level.MUNICIPAL, today.replace(month=1, day=3)),
        ("青发〔2019〕4号", Level.NATIONAL, date(2019, 5, 1)),
    ]:
        honour = enter_honour(
            unit=branch,
            by=people["secretary"],
            fields=fields(document, level=level, day=day),
            file=png(document),
        )
        verify_honour(honour=honour, by=people["reviewer_in"])
    enter_honour(
        unit=branch, by=people["secretary"], fields=fields("南发〔2025〕5号"), file=png("p")
    )
    url = reverse("evidence:unit", args=[branch.pk])
    english = client_for(people["secretary"]).get(url).content.decode()
    assert "3 honours counted: 10 + 8 + 5 = 23, capped at 15 → component 100.00" in english
    assert "outside the window" in english
    assert "not verified yet" in english
    chinese = client_for(people["secretary"], "zh-hans").get(url).content.decode()
    assert "计入 3 项荣誉：10 + 8 + 5 = 23，封顶 15 分 → 荣誉得分 100.00" in chinese
    assert "不在计分期内" in chinese


def test_the_unit_page_reads_a_fixed_number_of_queries(world: dict[str, Any]) -> None:
    branch, people = world["city"]["branch"], world["people"]
    client = client_for(people["secretary"])
    url = reverse("evidence:unit", args=[branch.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    enter_honour(unit=branch, by=people["secretary"], fields=fields("a1"), file=png("a1"))
    one = count()
    for document in ("a2", "a3"):
        enter_honour(
            unit=branch, by=people["secretary"], fields=fields(document), file=png(document)
        )
    assert count() == one


def test_the_queue_lists_pending_honours_in_scope_newest_first(world: dict[str, Any]) -> None:
    city, people = world["city"], world["people"]
    first = enter_honour(
        unit=city["branch"], by=people["secretary"], fields=fields("q1"), file=png("1")
    )
    second = enter_honour(
        unit=city["branch"], by=people["secretary"], fields=fields("q2"), file=png("2")
    )
    own = enter_honour(
        unit=city["branch"], by=people["reviewer_in"], fields=fields("q3"), file=png("3")
    )
    outside = enter_honour(
        unit=city["village"], by=people["secretary_out"], fields=fields("q4"), file=png("4")
    )
    verify_honour(honour=first, by=people["committee"])
    third = enter_honour(
        unit=city["branch"], by=people["secretary"], fields=fields("q5"), file=png("5")
    )
    page = client_for(people["reviewer_in"]).get(reverse("evidence:queue")).content.decode()
    links = [reverse("evidence:honour", args=[h.pk]) for h in (third, second)]
    assert all(link in page for link in links)
    assert page.index(links[0]) < page.index(links[1])
    for absent in (first, own, outside):
        assert f'href="{reverse("evidence:honour", args=[absent.pk])}"' not in page
    other = client_for(people["reviewer_out"]).get(reverse("evidence:queue")).content.decode()
    assert f'href="{reverse("evidence:honour", args=[outside.pk])}"' in other
    assert f'href="{links[0]}"' not in other


def test_verifying_from_the_record_page(world: dict[str, Any]) -> None:
    branch, people = world["city"]["branch"], world["people"]
    honour = enter_honour(unit=branch, by=people["secretary"], fields=fields(), file=png())
    own = client_for(people["secretary"])
    assert own.post(reverse("evidence:honour_verify", args=[honour.pk])).status_code == 403
    reviewer = client_for(people["reviewer_in"])
    response = reviewer.post(
        reverse("evidence:honour_verify", args=[honour.pk]), {"version": honour.version}
    )
    assert response.status_code == 302
    assert Honour.objects.get().state == HonourState.VERIFIED
    outsider = client_for(people["reviewer_out"])
    assert outsider.get(reverse("evidence:honour", args=[honour.pk])).status_code == 404
    assert outsider.post(reverse("evidence:honour_reject", args=[honour.pk])).status_code == 404


def test_the_file_is_served_inline_with_its_checked_type(world: dict[str, Any]) -> None:
    branch, people = world["city"]["branch"], world["people"]
    honour = enter_honour(unit=branch, by=people["secretary"], fields=fields(), file=png("f"))
    response = client_for(people["host_in"]).get(reverse("evidence:honour_file", args=[honour.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # shown in the record's own page
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == scan_png("f")
    assert (
        client_for(people["secretary_out"])
        .get(reverse("evidence:honour_file", args=[honour.pk]))
        .status_code
        == 404
    )
    # Never under /media/: the name is not published, and the path is not served.
    assert Client().get("/media/" + honour.file.name).status_code == 404


@pytest.mark.parametrize("name", ["evidence:unit", "evidence:unit_vetoes", "evidence:honour_new"])
def test_an_unknown_or_outside_unit_is_404(world: dict[str, Any], name: str) -> None:
    client = client_for(world["people"]["secretary"])
    assert client.get(reverse(name, args=[world["city"]["village"].pk])).status_code == 404
    assert client.get(reverse(name, args=[987654])).status_code == 404


def test_the_navigation_leads_each_role_to_its_honours(world: dict[str, Any]) -> None:
    branch, people = world["city"]["branch"], world["people"]
    own = client_for(people["secretary"]).get(reverse("site:home")).content.decode()
    assert f'href="{reverse("evidence:unit", args=[branch.pk])}"' in own
    queue = client_for(people["reviewer_in"]).get(reverse("site:home")).content.decode()
    assert f'href="{reverse("evidence:queue")}"' in queue
    host = client_for(people["host_in"]).get(reverse("site:home")).content.decode()
    assert "/evidence/" not in host
    unit_page = client_for(people["host_in"]).get(reverse("orgs:unit", args=[branch.code]))
    assert f'href="{reverse("evidence:unit", args=[branch.pk])}"' in unit_page.content.decode()


def test_the_queue_and_the_veto_list_read_a_fixed_number_of_queries(
    world: dict[str, Any],
) -> None:
    from leitai.evidence.models import VetoCategory
    from leitai.evidence.services.vetoes import lift_veto, record_veto

    city, people = world["city"], world["people"]
    reviewer = client_for(people["reviewer_in"])
    organiser = client_for(people["organiser"])

    def count(client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            key = f"{n}-{i}"
            enter_honour(
                unit=city["branch"], by=people["secretary"], fields=fields(key), file=png(key)
            )
            veto = record_veto(
                unit=city["branch"],
                by=people["committee"],
                year=2025,
                category=VetoCategory.LAX,
                evidence=key,
            )
            lift_veto(veto=veto, by=people["committee"], reason="ok")

    queue = reverse("evidence:queue")
    vetoes = reverse("evidence:unit_vetoes", args=[city["branch"].pk])
    add(1)
    one = (count(reviewer, queue), count(organiser, vetoes))
    add(2)
    assert (count(reviewer, queue), count(organiser, vetoes)) == one
